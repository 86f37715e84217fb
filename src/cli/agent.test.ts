// `skiff agent`: flag parsing, and a simulated agent joining a real server with the join
// token alone (the CA it pins fetched from the server), then leaving cleanly on SIGTERM.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SkiffServer, waitFor } from '../../test/e2e/harness.ts';
import { formatJoinToken, parseJoinToken } from '../apiserver/joinToken.ts';
import { parseLabels, parseTaints, runAgent } from './agent.ts';

/** Runs runAgent(args) in a child process, as `skiff agent` will. */
function spawnAgent(args: string[]) {
  const entry = `const { runAgent } = await import(${JSON.stringify(import.meta.resolve('./agent.ts'))}); process.exitCode = await runAgent(process.argv.slice(1));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', entry, '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

test('labels and taints parse as the kubelet flags do', () => {
  assert.deepEqual(parseLabels('zone=a,tier=web'), { zone: 'a', tier: 'web' });
  assert.deepEqual(parseTaints('dedicated=gpu:NoSchedule,spot:NoExecute'), [
    { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
    { key: 'spot', effect: 'NoExecute' },
  ]);
  assert.throws(() => parseTaints('dedicated=gpu'), /NoSchedule\|PreferNoSchedule\|NoExecute/);
  assert.throws(() => parseLabels('novalue'), /key=value/);
});

/** What runAgent(args) printed to stderr, and its exit code. */
async function runAgentQuietly(args: string[]): Promise<{ code: number; stderr: string }> {
  const lines: string[] = [];
  const error = console.error;
  console.error = (line: string) => lines.push(line);
  try {
    return { code: await runAgent(args), stderr: lines.join('\n') };
  } finally {
    console.error = error;
  }
}

test('a usage error (here: no --token) prints the usage and exits 2', async () => {
  const { code, stderr } = await runAgentQuietly(['--server', 'https://127.0.0.1:1', '--ca-file', import.meta.filename]);
  assert.equal(code, 2);
  assert.match(stderr, /--token is required[\s\S]*Usage:/);
});

test('a bare secret as --token pins no CA: without --ca-file it is a usage error', async () => {
  const { code, stderr } = await runAgentQuietly(['--server', 'https://127.0.0.1:1', '--token', '0123abcd']);
  assert.equal(code, 2);
  assert.match(stderr, /--token is a bare secret, which pins no CA/);
  assert.equal((await runAgentQuietly(['--server', 'https://127.0.0.1:1', '--token', 'K10abc::server:x'])).code, 2);
});

/** The server's join token, K10 form (made from its CA should it still write a bare secret). */
async function joinTokenOf(server: SkiffServer): Promise<{ token: string; secret: string }> {
  const { secret } = parseJoinToken(await readFile(join(server.dataDir, 'node-token'), 'utf8'));
  return { token: formatJoinToken(await readFile(join(server.dataDir, 'ca.crt'), 'utf8'), secret), secret };
}

test('a join token whose CA hash is not the server\'s CA is refused: exit 1', async (t) => {
  const server = await SkiffServer.start();
  t.after(() => server.stop());
  const { secret } = await joinTokenOf(server);
  const agent = spawnAgent(['--server', `https://127.0.0.1:${server.port}`, '--token', formatJoinToken('another CA', secret), '--simulate', '1']);
  t.after(() => agent.child.kill('SIGKILL'));
  assert.equal(await agent.exited, 1, agent.output());
  assert.match(agent.output(), /the server's CA does not match the join token/);
});

test('a simulated agent joins with the join token alone and stops cleanly on SIGTERM', async (t) => {
  const server = await SkiffServer.start();
  t.after(() => server.stop());
  const { token } = await joinTokenOf(server);
  const agent = spawnAgent(['--server', `https://127.0.0.1:${server.port}`, '--token', token, '--simulate', '3', '--node-name', 'edge', '--node-labels', 'zone=a', '--node-taints', 'dedicated=edge:NoSchedule']);
  t.after(() => agent.child.kill('SIGKILL'));

  await waitFor(async () => {
    const out = await server.kubectl(['get', 'nodes', '-l', 'zone=a', '--no-headers']);
    return out.stdout.trim().split('\n').filter((l) => /\sReady\s/.test(l)).length === 3;
  }, 30_000, 'three Ready nodes').catch((err) => {
    throw new Error(`${err.message}; the agent said:\n${agent.output()}`);
  });
  const node = JSON.parse(await server.ok(['get', 'node', 'edge-2', '-o', 'json']));
  assert.deepEqual(node.spec.taints, [{ key: 'dedicated', value: 'edge', effect: 'NoSchedule' }]);
  assert.equal(node.metadata.labels['kubernetes.io/hostname'], 'edge-2');

  agent.child.kill('SIGTERM');
  assert.equal(await agent.exited, 0, agent.output());
  assert.match(agent.output(), /3 simulated nodes registered \(edge-0 \.\. edge-2\)/);
});
