// The actions probes and lifecycle hooks run: an HTTP GET (http, or https without
// verifying the certificate), a TCP connect, a command in the container, or a sleep.
// HTTP succeeds on 200-399, as upstream.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import type { Container, HTTPGetAction, TCPSocketAction } from 'kubernetes-types/core/v1.js';
import type { ContainerRuntime } from '../../runtime/runtime.ts';

export interface Outcome {
  ok: boolean;
  /** What went wrong (for Unhealthy and hook events). */
  message: string;
}

/** A port number, or a named port of the container. */
export function resolvePort(port: number | string, container: Container): number {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  const named = container.ports?.find((p) => p.name === port);
  if (!named) throw new Error(`couldn't find port: ${port} in ${container.name}`);
  return named.containerPort;
}

/** Runs the check on the action's port; a named port the container lacks is a failure saying so. */
function onPort(port: number | string, container: Container, check: (port: number) => Promise<Outcome>): Promise<Outcome> {
  let resolved: number;
  try {
    resolved = resolvePort(port, container);
  } catch (err) {
    return Promise.resolve({ ok: false, message: (err as Error).message });
  }
  return check(resolved);
}

export function httpGet(action: HTTPGetAction, podIP: string, container: Container, timeoutMs: number): Promise<Outcome> {
  return onPort(action.port, container, (port) => httpGetOn(port, action, podIP, timeoutMs));
}

function httpGetOn(port: number, action: HTTPGetAction, podIP: string, timeoutMs: number): Promise<Outcome> {
  const https = action.scheme === 'HTTPS';
  const host = action.host || podIP;
  const path = action.path ? (action.path.startsWith('/') ? action.path : `/${action.path}`) : '/';
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
  for (const h of action.httpHeaders ?? []) headers[h.name] = h.value;
  const url = `${https ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`;
  return new Promise((resolve) => {
    const req = (https ? httpsRequest : httpRequest)(url, { method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
      const code = res.statusCode ?? 0;
      res.resume();
      resolve(code >= 200 && code < 400 ? { ok: true, message: '' } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => req.destroy(new Error(`Get "${url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    req.on('error', (err) => resolve({ ok: false, message: err.message.startsWith('Get "') ? err.message : `Get "${url}": ${err.message}` }));
    req.end();
  });
}

export function tcpSocket(action: TCPSocketAction, podIP: string, container: Container, timeoutMs: number): Promise<Outcome> {
  const host = action.host || podIP;
  return onPort(action.port, container, (port) => new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true, message: '' });
    });
    socket.once('timeout', () => socket.destroy(new Error(`dial tcp ${host}:${port}: i/o timeout`)));
    socket.once('error', (err) => resolve({ ok: false, message: err.message }));
  }));
}

/** Runs argv in the container; its output becomes the failure message. */
export async function execIn(runtime: ContainerRuntime, containerId: string, argv: string[], timeoutMs: number): Promise<Outcome> {
  let output = '';
  const collect = new Writable({
    write(chunk, _enc, done) {
      if (output.length < 10_240) output += String(chunk);
      done();
    },
  });
  const timeout = AbortSignal.timeout(timeoutMs);
  const timedOut = new Promise<number>((resolve) => timeout.addEventListener('abort', () => resolve(-1), { once: true }));
  try {
    const code = await Promise.race([runtime.exec(containerId, argv, { stdout: collect, stderr: collect, tty: false }), timedOut]);
    if (code === -1) return { ok: false, message: `command timed out: "${argv.join(' ')}" timed out after ${timeoutMs / 1000}s` };
    return code === 0 ? { ok: true, message: output } : { ok: false, message: output || `command "${argv.join(' ')}" exited with ${code}` };
  } catch (err) {
    return { ok: false, message: (err as Error).message };
  }
}

export async function sleepFor(seconds: number, signal?: AbortSignal): Promise<Outcome> {
  await sleep(seconds * 1000, undefined, { signal }).catch(() => {});
  return { ok: true, message: '' };
}
