// Clients hitting an address in a loop while a test changes the cluster under them: every
// request a new connection (so each one is balanced, and DNATed, afresh), every failure kept
// with what went wrong, so a test can assert that none failed.

import { request } from 'node:http';

export interface Target {
  name: string;
  host: string;
  port: number;
  /** The Host header, for an Ingress rule. */
  hostHeader?: string;
}

export interface Traffic {
  /** Bodies of the successful requests, in order, per target. */
  readonly answers: Map<string, string[]>;
  /** What went wrong, per failed request. */
  readonly failures: string[];
  /** Stops the loops once their requests in flight are done. */
  stop(): Promise<void>;
}

/** `loops` sequential clients per target until stop(); a request fails on an error, a status other than 200, or a timeout. */
export function startTraffic(targets: Target[], loops = 2, timeoutMs = 10_000): Traffic {
  const answers = new Map(targets.map((t) => [t.name, [] as string[]]));
  const failures: string[] = [];
  let stopping = false;
  const loop = async (target: Target) => {
    while (!stopping) {
      const outcome = await get(target, timeoutMs);
      if (outcome.ok) answers.get(target.name)!.push(outcome.body);
      else failures.push(`${target.name}: ${outcome.error} at ${new Date().toISOString()}`);
    }
  };
  const running = targets.flatMap((t) => Array.from({ length: loops }, () => loop(t)));
  return {
    answers,
    failures,
    async stop() {
      stopping = true;
      await Promise.all(running);
    },
  };
}

function get(target: Target, timeoutMs: number): Promise<{ ok: true; body: string } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: target.host, port: target.port, path: '/', agent: false, timeout: timeoutMs, headers: target.hostHeader ? { host: target.hostHeader } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 ? { ok: true, body } : { ok: false, error: `HTTP ${res.statusCode}: ${body.trim()}` }));
      res.on('error', (err) => resolve({ ok: false, error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', (err) => resolve({ ok: false, error: err.message }));
    req.end();
  });
}
