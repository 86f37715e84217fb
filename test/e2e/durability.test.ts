// Acceptance 8: SIGKILL loses nothing acknowledged; watches resume from the last seen
// resourceVersion; a restart keeps objects, the CA and the credentials. Also the server's
// command contract: SIGTERM is clean, a used port is refused clearly.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { SkiffServer, run, skiffBin, waitFor } from './harness.ts';

let server: SkiffServer;
before(async () => {
  server = await SkiffServer.start();
});
after(() => server?.stop());

test('objects survive SIGKILL with the same resourceVersions, and watches resume', async () => {
  for (let i = 0; i < 20; i++) await server.ok(['create', 'configmap', `cm-${i}`, `--from-literal=i=${i}`]);
  const before = JSON.parse(await server.ok(['get', 'configmaps', '-o', 'json']));
  const versions = new Map(before.items.map((cm: any) => [cm.metadata.name, cm.metadata.resourceVersion]));
  const lastSeen = JSON.parse(await server.ok(['get', '--raw', '/api/v1/namespaces/default/configmaps'])).metadata.resourceVersion;
  assert.match(lastSeen, /^\d+$/);
  const caBefore = await readFile(`${server.dataDir}/pki/credentials.json`, 'utf8');

  assert.equal(await server.kill('SIGKILL'), null);
  await server.restart();

  const after = JSON.parse(await server.ok(['get', 'configmaps', '-o', 'json']));
  assert.equal(after.items.length, before.items.length);
  for (const cm of after.items) assert.equal(cm.metadata.resourceVersion, versions.get(cm.metadata.name), cm.metadata.name);
  assert.equal(await readFile(`${server.dataDir}/pki/credentials.json`, 'utf8'), caBefore, 'the CA and credentials are kept');

  await server.ok(['label', 'configmap', 'cm-3', 'after=restart']);
  const watched = await server.ok(['get', '--raw', `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${lastSeen}&timeoutSeconds=1`]);
  const events = watched.trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(events.length, 1, watched);
  assert.equal(events[0].type, 'MODIFIED');
  assert.equal(events[0].object.metadata.name, 'cm-3');
});

test('a second server on a used port fails with a clear message', async () => {
  const second = await SkiffServer.start(undefined, server.port).then(
    (s) => ({ s, err: undefined }),
    (err: Error) => ({ s: undefined, err }),
  );
  await second.s?.stop();
  assert.ok(second.err, 'the second server must not start');
  assert.match(second.err.message, /port \d+ is already in use/);
});

test('a second server on the same data dir is refused', async () => {
  const second = await run(skiffBin, ['server', '--data-dir', server.dataDir, '--port', '0'], { timeoutMs: 20_000 });
  assert.equal(second.code, 1);
  assert.match(second.stderr, /is in use by another skiff server/);
  assert.match(await server.ok(['get', 'ns', 'default']), /default/, 'the first keeps serving');
});

test('SIGTERM shuts down cleanly', async () => {
  assert.equal(await server.kill('SIGTERM'), 0);
  await server.restart();
  await waitFor(async () => (await server.kubectl(['get', 'ns'])).code === 0, 10_000, 'the restarted server');
});
