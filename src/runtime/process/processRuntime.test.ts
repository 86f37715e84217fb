// The process runtime without root features (rootless mode, which also runs as root): real
// processes, CRI logs with rotation, exit codes, graceful stop and re-adoption by a second
// runtime instance over the same directory.

import { waitFor } from '../../../test/e2e/harness.ts';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { ContainerConfig, ContainerStatus } from '../runtime.ts';
import { createProcessRuntime, type ProcessRuntime } from './processRuntime.ts';
import { identify, isRunning } from './procStat.ts';
import { openCriLog } from './criLog.ts';
import { execWithResizes } from './testing/terminalResize.ts';
import { attachToTerminal, attachWithoutStdin, attachWithStdinOnce, catThenSayClosed, echoThroughAttach, terminalLoop } from './testing/attach.ts';

const rootDir = fs.mkdtempSync(path.join(os.tmpdir(), 'skiff-process-'));
const runtimes: ProcessRuntime[] = [];
function newRuntime(): ProcessRuntime {
  const runtime = createProcessRuntime({ rootDir, mode: 'rootless', log: { maxBytes: 4096, maxFiles: 2 } });
  runtimes.push(runtime);
  return runtime;
}
const runtime = newRuntime();

after(async () => {
  for (const s of await runtime.listPodSandboxes()) await runtime.removePodSandbox(s.id);
  for (const r of runtimes) r.close();
  fs.rmSync(rootDir, { recursive: true, force: true });
});

let pods = 0;
async function sandbox(): Promise<string> {
  pods++;
  return runtime.runPodSandbox({ uid: `pod-${pods}-${process.pid}`, name: `p${pods}`, namespace: 'default', hostname: `p${pods}`, hostNetwork: false, shareProcessNamespace: false });
}

function config(name: string, argv: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return { name, argv, env: [], mounts: [], tty: false, stdin: false, stdinOnce: false, logPath: path.join(rootDir, 'logs', `${name}.log`), attempt: 0, ...extra };
}

async function run(sandboxId: string, c: ContainerConfig, on = runtime): Promise<string> {
  const id = await on.createContainer(sandboxId, c);
  await on.startContainer(id);
  return id;
}

/** The harness's waitFor, with the argument order these tests read best in. */
const until = <T>(what: string, probe: () => Promise<T> | T, ms = 8000) => waitFor(probe, ms, what);

async function exited(id: string, on = runtime): Promise<ContainerStatus> {
  return until(`container ${id} to exit`, async () => {
    const s = await on.containerStatus(id);
    return s?.state === 'exited' ? s : undefined;
  });
}

test('a container runs with its env and workingDir, logs in the CRI format and exits Completed', async () => {
  const pod = await sandbox();
  const c = config('hello', ['sh', '-c', 'echo "$GREETING from $(pwd)"; printf partial; echo oops >&2'], { env: [{ name: 'GREETING', value: 'hi' }], workingDir: '/tmp' });
  const id = await run(pod, c);
  const status = await exited(id);
  assert.equal(status.exitCode, 0);
  assert.equal(status.reason, 'Completed');
  assert.ok(status.startedAt && status.finishedAt);
  const lines = await until('log lines', () => {
    const l = fs.readFileSync(c.logPath, 'utf8').split('\n').filter(Boolean);
    return l.length === 3 ? l : undefined;
  });
  const records = lines.map((l) => /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (stdout|stderr) ([FP]) (.*)$/.exec(l)?.slice(2));
  assert.deepEqual(records.filter((r) => r?.[0] === 'stdout'), [['stdout', 'F', 'hi from /tmp'], ['stdout', 'F', 'partial']]);
  assert.deepEqual(records.find((r) => r?.[0] === 'stderr'), ['stderr', 'F', 'oops']);
});

test('a non-zero exit is an Error with its code', async () => {
  const id = await run(await sandbox(), config('fail', ['sh', '-c', 'exit 3']));
  const status = await exited(id);
  assert.equal(status.exitCode, 3);
  assert.equal(status.reason, 'Error');
});

test('stop sends SIGTERM to the process group, then SIGKILL after the grace period', async () => {
  const pod = await sandbox();
  const graceful = await run(pod, config('graceful', ['sh', '-c', 'trap "echo bye; exit 0" TERM; echo ready; while :; do sleep 0.05; done']));
  const stubborn = await run(pod, config('stubborn', ['sh', '-c', 'trap "" TERM; echo ready; sleep 60 & while :; do sleep 0.05; done']));
  for (const name of ['graceful', 'stubborn']) await until(`${name} ready`, () => fs.readFileSync(config(name, []).logPath, 'utf8').includes('ready'));
  await runtime.stopContainer(graceful, 10);
  assert.equal((await runtime.containerStatus(graceful))?.exitCode, 0);
  await until('bye logged', () => fs.readFileSync(config('graceful', []).logPath, 'utf8').includes('stdout F bye'));
  await runtime.stopContainer(stubborn, 0.2);
  const status = await runtime.containerStatus(stubborn);
  assert.equal(status?.exitCode, 137);
  assert.equal(status?.reason, 'Error');
});

test('logs rotate by size, keeping maxFiles old files', async () => {
  const c = config('chatty', ['sh', '-c', 'i=0; while [ $i -lt 300 ]; do echo "line $i of a log that grows"; i=$((i+1)); done']);
  await exited(await run(await sandbox(), c));
  await until('rotation', () => fs.existsSync(`${c.logPath}.2`));
  assert.ok(!fs.existsSync(`${c.logPath}.3`));
  for (const file of [c.logPath, `${c.logPath}.1`]) assert.ok(fs.statSync(file).size <= 4096);
  await until('last line', () => fs.readFileSync(c.logPath, 'utf8').trimEnd().endsWith('line 299 of a log that grows'));
});

test('each pod gets its own loopback IP, reachable for port-forward', async () => {
  const a = await runtime.podSandboxStatus(await sandbox());
  const bId = await sandbox();
  const b = await runtime.podSandboxStatus(bId);
  assert.match(a!.ip!, /^127\.42\.\d+\.\d+$/);
  assert.notEqual(a!.ip, b!.ip);
  const server = `require('http').createServer((q,s)=>s.end('pong')).listen(8181,process.env.POD_IP,()=>console.log('listening'))`;
  const c = config('server', [process.execPath, '-e', server], { env: [{ name: 'POD_IP', value: b!.ip! }] });
  const id = await run(bId, c);
  await until('server listening', () => fs.readFileSync(c.logPath, 'utf8').includes('listening'));
  const socket = await runtime.portForward(bId, 8181);
  const reply = await new Promise<string>((resolve) => {
    let data = '';
    socket.on('data', (d: Buffer) => (data += d));
    socket.on('end', () => resolve(data));
    socket.end('GET / HTTP/1.0\r\n\r\n');
  });
  assert.match(reply, /pong$/);
  assert.ok((await runtime.stats(id))!.memoryWorkingSetBytes > 0);
  await runtime.stopContainer(id, 5);
});

test('exec runs a command with the container env and returns its exit code', async () => {
  const pod = await sandbox();
  const id = await run(pod, config('sleeper', ['sleep', '30'], { env: [{ name: 'WHO', value: 'skiff' }] }));
  let out = '';
  const stdout = new Writable({ write: (chunk, _enc, done) => ((out += chunk), done()) });
  assert.equal(await runtime.exec(id, ['sh', '-c', 'echo $WHO; exit 4'], { stdout, tty: false }), 4);
  assert.equal(out, 'skiff\n');
  await runtime.stopContainer(id, 0);
});

test('exec with a terminal gets the client\'s size, and SIGWINCH with each change', async () => {
  const id = await run(await sandbox(), config('sized', ['sleep', '30']));
  const { code, out } = await execWithResizes(runtime, id);
  assert.equal(code, 0, out);
  assert.match(out, /size 40 100\r?\n/);
  assert.ok(out.includes('winch', out.indexOf('size 40 100')), `the later resize signals the command: ${out}`);
  await runtime.stopContainer(id, 0);
});

test('attach: a container\'s stdin takes each attach\'s input and stays open, across runtime instances', async () => {
  // Its own dir, so the instances it opens never adopt the other tests' containers.
  const dir = path.join(rootDir, 'attach-restart');
  const instances = [createProcessRuntime({ rootDir: dir, mode: 'rootless' })];
  const pod = await instances[0]!.runPodSandbox({ uid: `attach-${process.pid}`, name: 'a', namespace: 'default', hostname: 'a', hostNetwork: false, shareProcessNamespace: false });
  try {
    const c = config('cat', ['cat'], { stdin: true });
    const id = await run(pod, c, instances[0]);
    await echoThroughAttach(instances[0]!, id, 'hello');
    instances[0]!.close();
    instances.push(createProcessRuntime({ rootDir: dir, mode: 'rootless' }));
    await echoThroughAttach(instances[1]!, id, 'again');
    await until('both lines logged', () => /stdout F hello\n.*stdout F again\n/s.test(fs.readFileSync(c.logPath, 'utf8')));
  } finally {
    await instances.at(-1)!.removePodSandbox(pod);
    for (const instance of instances) instance.close();
  }
});

test('attach with stdinOnce: the end of the client\'s stdin closes the container\'s, its output goes on to the exit', async () => {
  const id = await run(await sandbox(), config('once', catThenSayClosed, { stdin: true, stdinOnce: true }));
  await attachWithStdinOnce(runtime, id);
});

test('a container with tty runs on a terminal, which an attach reaches and resizes', async () => {
  const c = config('terminal', terminalLoop, { tty: true, stdin: true, stdinOnce: true });
  const id = await run(await sandbox(), c);
  await attachToTerminal(runtime, id, c.logPath);
  await runtime.stopContainer(id, 0);
});

test('attach to a container without stdin drops the input and streams the output until the exit', async () => {
  const flag = path.join(rootDir, 'release-attach');
  const id = await run(await sandbox(), config('no-stdin', ['sh', '-c', `cat; while [ ! -e ${flag} ]; do sleep 0.02; done; echo released`]));
  await attachWithoutStdin(runtime, id, () => fs.writeFileSync(flag, ''));
});

test('without root, pod IPs come from the loopback mirror of the podCIDR, so two nodes never share one', async () => {
  const nodes = ['10.42.5.0/24', '10.42.6.0/24'].map((podCIDR, i) => createProcessRuntime({ rootDir: path.join(rootDir, `node${i}`), mode: 'rootless', podCIDR }));
  const ips: string[] = [];
  for (const node of nodes) {
    const id = await node.runPodSandbox({ uid: `mirror-${ips.length}-${process.pid}`, name: 'm', namespace: 'default', hostname: 'm', hostNetwork: false, shareProcessNamespace: false });
    ips.push((await node.podSandboxStatus(id))!.ip!);
    await node.removePodSandbox(id);
    node.close();
  }
  assert.deepEqual(ips, ['127.42.5.2', '127.42.6.2']);
});

test('a second runtime over the same dir re-adopts a running container and sees its exit', async () => {
  const pod = await sandbox();
  const flag = path.join(rootDir, 'flag');
  const c = config('adopted', ['sh', '-c', `echo before; while [ ! -e ${flag} ]; do sleep 0.02; done; echo after; exit 5`]);
  const id = await run(pod, c);
  await until('before', () => fs.readFileSync(c.logPath, 'utf8').includes('before'));
  runtime.close();
  const second = newRuntime();
  assert.equal((await second.containerStatus(id))?.state, 'running');
  fs.writeFileSync(flag, '');
  const status = await exited(id, second);
  assert.equal(status.exitCode, 5);
  await until('after logged by the new instance', () => fs.readFileSync(c.logPath, 'utf8').includes('stdout F after'));
});

test('without root, volumes are bind-mounted in a user+mount namespace at an existing mountPath', async () => {
  const volume = fs.mkdtempSync(path.join(rootDir, 'vol-'));
  const target = fs.mkdtempSync(path.join(rootDir, 'target-'));
  fs.writeFileSync(path.join(volume, 'data'), 'from the volume');
  const c = config('mounted', ['sh', '-c', `cat ${target}/data; echo; id -u`], { mounts: [{ containerPath: target, hostPath: volume, readOnly: true }] });
  const status = await exited(await run(await sandbox(), c));
  assert.equal(status.exitCode, 0);
  await until('output', () => fs.readFileSync(c.logPath, 'utf8').includes(`stdout F ${process.getuid!()}`));
  assert.match(fs.readFileSync(c.logPath, 'utf8'), /stdout F from the volume\n/);
  assert.deepEqual(fs.readdirSync(target), []);
});

test('a mountPath that does not exist is refused rather than created on the host', async () => {
  const missing = path.join(rootDir, 'no-such-dir');
  const c = config('missing', ['true'], { mounts: [{ containerPath: missing, hostPath: rootDir, readOnly: false }] });
  const status = await exited(await run(await sandbox(), c));
  assert.equal(status.exitCode, 126);
  assert.ok(!fs.existsSync(missing));
  await until('message', () => fs.readFileSync(c.logPath, 'utf8').includes('does not exist on this host'));
});

test('a line longer than the limit is split into partial records', () => {
  const file = path.join(rootDir, 'partial.log');
  const log = openCriLog(file, { maxLineBytes: 4 });
  log.write('stdout', Buffer.from('abcdefghij\nxy'));
  log.end('stdout');
  log.close();
  const records = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(' ').slice(1).join(' '));
  assert.deepEqual(records, ['stdout P abcd', 'stdout P efgh', 'stdout F ij', 'stdout F xy']);
});

test('a reused pid with another start time is not taken for the process', () => {
  const me = identify(process.pid)!;
  assert.ok(isRunning(me));
  assert.ok(!isRunning({ pid: me.pid, startTime: String(Number(me.startTime) + 1) }));
});
