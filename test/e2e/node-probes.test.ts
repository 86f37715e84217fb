// Issue 4 acceptance 3: probes on real processes. A server that takes 8 seconds to start is
// held back by its startup probe and not Ready until it answers; a failing liveness probe
// restarts its container with backoff, and `kubectl get pods` shows RESTARTS and
// CrashLoopBackOff.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { SkiffServer, waitFor } from './harness.ts';
import { getJson, isReady } from './agents.ts';

let server: SkiffServer;

before(async () => {
  server = await SkiffServer.startWithAgent();
});

after(async () => {
  await server?.stop();
});

const slowServer = `
import http.server, socketserver, time
print("starting", flush=True)
time.sleep(8)
class Ok(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")
print("listening", flush=True)
socketserver.ThreadingTCPServer(("", 8080), Ok).serve_forever()
`;

test('a container that takes 8 s to start is not Ready until it answers', async () => {
  await server.ok(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'slow' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{
          name: 'web', image: 'python:3.12-slim', command: ['python3', '-u', '-c', slowServer],
          ports: [{ name: 'http', containerPort: 8080 }],
          startupProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1, failureThreshold: 30 },
          readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 },
          livenessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 2 },
        }],
      },
    }),
  });
  // Running but neither started nor Ready while the server sleeps.
  const starting = await waitFor(async () => {
    const pod = await getJson<Pod>(server, ['pod', 'slow']);
    return pod.status?.containerStatuses?.[0]?.state?.running ? pod : undefined;
  }, 30_000, 'the container to run');
  const status = starting.status!.containerStatuses![0]!;
  if (!/listening/.test(await server.ok(['logs', 'slow']))) {
    assert.equal(status.started, false, 'not started before the startup probe passed');
    assert.equal(status.ready, false, 'not ready before it answers');
    assert.equal(isReady(starting), false);
  }
  const ready = await waitFor(async () => {
    const pod = await getJson<Pod>(server, ['pod', 'slow']);
    return isReady(pod) ? pod : undefined;
  }, 40_000, 'the pod to become Ready');
  assert.match(await server.ok(['logs', 'slow']), /starting\nlistening\n/, 'Ready only once the server listens');
  assert.equal(ready.status!.containerStatuses![0]!.restartCount, 0, 'the startup probe kept liveness from killing it');
  assert.equal(ready.status!.containerStatuses![0]!.started, true);
});

test('a failing liveness probe restarts the container, with backoff', async () => {
  await server.ok(['apply', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unhealthy' },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{
          name: 'main', image: 'busybox', command: ['sleep', '3600'],
          livenessProbe: { tcpSocket: { port: 9 }, periodSeconds: 1, failureThreshold: 1 },
        }],
      },
    }),
  });
  const table = await waitFor(async () => {
    const out = await server.ok(['get', 'pod', 'unhealthy']);
    return /unhealthy\s+0\/1\s+CrashLoopBackOff\s+[1-9]/.test(out) ? out : undefined;
  }, 60_000, 'kubectl get pods to show CrashLoopBackOff with restarts');
  assert.match(table, /RESTARTS/);
  const pod = await waitFor(async () => {
    const p = await getJson<Pod>(server, ['pod', 'unhealthy']);
    return (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2 ? p : undefined;
  }, 60_000, 'a second restart, after the backoff');
  const last = pod.status!.containerStatuses![0]!.lastState?.terminated;
  assert.ok(last, 'lastState records the killed container');
  const events = await server.ok(['get', 'events', '--field-selector', 'involvedObject.name=unhealthy']);
  assert.match(events, /Unhealthy\s+pod\/unhealthy\s+Liveness probe failed/);
  assert.match(events, /Killing\s+pod\/unhealthy\s+Container main failed liveness probe, will be restarted/);
  assert.match(events, /BackOff\s+pod\/unhealthy\s+Back-off restarting failed container main/);
});
