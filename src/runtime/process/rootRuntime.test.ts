// The process runtime as root: network namespaces on a bridge, cgroups with limits, mount,
// UTS and PID namespaces. Runs only as root; uses its own bridge, pod range and cgroup
// parent, and removes all of them afterwards.

import { waitFor } from '../../../test/e2e/harness.ts';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { ContainerConfig, ContainerStatus } from '../runtime.ts';
import { isCgroupV2, removeCgroup } from './cgroups.ts';
import { createProcessRuntime, type ProcessRuntime } from './processRuntime.ts';
import { netnsName, removeNodeNetwork } from './podNetwork.ts';
import { execWithResizes } from './testing/terminalResize.ts';
import { attachToTerminal, attachWithStdinOnce, catThenSayClosed, echoThroughAttach, terminalLoop } from './testing/attach.ts';

const isRoot = process.getuid?.() === 0 && process.platform === 'linux';
const tag = (process.pid % 10000).toString().padStart(4, '0');
const rootDir = path.join(os.tmpdir(), `skiff-root-${process.pid}`);
const cgroupParent = `skiff-test-${tag}`;
const podCIDR = `10.42.${200 + (process.pid % 50)}.0/24`;
const rejectCIDR = `10.43.${200 + (process.pid % 50)}.0/24`;
const bridge = `skt${tag}`;
let runtime: ProcessRuntime | undefined;
if (isRoot) runtime = createProcessRuntime({ rootDir, mode: 'root', bridge, podCIDR, rejectCIDRs: [rejectCIDR], cgroupParent });

// Should the after hook not get to finish, remove what this file created before exiting.
process.on('exit', () => {
  if (!runtime) return;
  const cgroups = `/sys/fs/cgroup/${cgroupParent} /sys/fs/cgroup/*/${cgroupParent}`;
  const script = [
    `for d in ${cgroups}; do find "$d" -name cgroup.procs -exec cat {} + ; done 2>/dev/null | xargs -r kill -9`,
    `for ns in $(ip netns list | grep -o '^skiff-${tag}[0-9]*'); do ip netns del "$ns"; done`,
    `ip link del ${bridge}; ip route del unreachable ${rejectCIDR}`,
    `for i in 1 2 3 4 5 6 7 8 9 10; do for d in ${cgroups}; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + ; done 2>/dev/null; sleep 0.1; done`,
    `rm -rf ${rootDir}`,
  ].join('\n');
  execFileSync('sh', ['-c', script], { stdio: 'ignore' });
});

async function cleanUp(): Promise<void> {
  if (!runtime) return;
  for (const s of await runtime.listPodSandboxes()) await runtime.removePodSandbox(s.id);
  runtime.close();
  await removeNodeNetwork(runtime.network!);
  removeCgroup(cgroupParent);
  fs.rmSync(rootDir, { recursive: true, force: true });
  runtime = undefined;
}
after(cleanUp);

function rt(): ProcessRuntime {
  return runtime!;
}

let pods = 0;
async function sandbox(resources?: { memoryLimitBytes: number }): Promise<{ id: string; ip: string; uid: string }> {
  pods++;
  const uid = `${tag}${pods.toString().padStart(4, '0')}-test`;
  const id = await rt().runPodSandbox({ uid, name: `pod${pods}`, namespace: 'default', hostname: `pod${pods}`, hostNetwork: false, shareProcessNamespace: false, resources });
  return { id, uid, ip: (await rt().podSandboxStatus(id))!.ip! };
}

function config(name: string, argv: string[], extra: Partial<ContainerConfig> = {}): ContainerConfig {
  return { name, argv, env: [], mounts: [], tty: false, stdin: false, stdinOnce: false, logPath: path.join(rootDir, 'logs', `${name}.log`), attempt: 0, ...extra };
}

async function run(sandboxId: string, c: ContainerConfig): Promise<string> {
  const id = await rt().createContainer(sandboxId, c);
  await rt().startContainer(id);
  return id;
}

/** The harness's waitFor, with the argument order these tests read best in. */
const until = <T>(what: string, probe: () => Promise<T> | T, ms = 10_000) => waitFor(probe, ms, what);

async function exited(id: string): Promise<ContainerStatus> {
  return until(`container ${id} to exit`, async () => {
    const s = await rt().containerStatus(id);
    return s?.state === 'exited' ? s : undefined;
  });
}

function logged(c: ContainerConfig, text: string): Promise<boolean> {
  return until(`"${text}" in ${c.name}'s log`, () => fs.existsSync(c.logPath) && fs.readFileSync(c.logPath, 'utf8').includes(text));
}

async function execOut(id: string, argv: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = new Writable({ write: (chunk, _enc, done) => ((out += chunk), done()) });
  const code = await rt().exec(id, argv, { stdout: sink, stderr: sink, tty: false });
  return { code, out };
}

const server = (port: number) => `require('http').createServer((q,s)=>s.end(require('os').hostname())).listen(${port},()=>console.log('listening'))`;
const get = (url: string) => `fetch('${url}').then(r=>r.text()).then(t=>console.log(t),e=>{console.error(e.cause??e);process.exit(1)})`;

test('pods get their own network namespace and IP; they reach themselves and each other across the bridge', { skip: !isRoot }, async () => {
  const a = await sandbox();
  const b = await sandbox();
  assert.notEqual(a.ip, b.ip);
  assert.ok(fs.existsSync(`/run/netns/${netnsName(a.uid)}`));
  // The same port in both pods: each has its own network namespace.
  const serverA = config('serverA', [process.execPath, '-e', server(8080)]);
  const serverB = config('serverB', [process.execPath, '-e', server(8080)]);
  const idA = await run(a.id, serverA);
  const idB = await run(b.id, serverB);
  await logged(serverA, 'listening');
  await logged(serverB, 'listening');
  assert.deepEqual(await execOut(idA, [process.execPath, '-e', get(`http://${a.ip}:8080`)]), { code: 0, out: 'pod1\n' });
  assert.deepEqual(await execOut(idB, [process.execPath, '-e', get(`http://${a.ip}:8080`)]), { code: 0, out: 'pod1\n' });
  assert.deepEqual(await execOut(idA, [process.execPath, '-e', get(`http://${b.ip}:8080`)]), { code: 0, out: 'pod2\n' });
  // The host reaches pods through the bridge.
  assert.equal(await (await fetch(`http://${b.ip}:8080`)).text(), 'pod2');
  // Port-forward connects to the pod's own loopback.
  const socket = await rt().portForward(a.id, 8080);
  const reply = await new Promise<string>((resolve) => {
    let data = '';
    socket.on('data', (d: Buffer) => (data += d));
    socket.on('end', () => resolve(data));
    socket.end('GET / HTTP/1.0\r\n\r\n');
  });
  assert.match(reply, /pod1$/);
  // The container has its own PID namespace and hostname.
  assert.deepEqual(await execOut(idA, ['sh', '-c', 'hostname; tr "\\0" " " < /proc/1/cmdline']), { code: 0, out: `pod1\n${process.execPath} -e ${server(8080)} ` });
  const route = execFileSync('ip', ['route', 'show', rejectCIDR], { encoding: 'utf8' });
  assert.match(route, /unreachable/);
  await rt().removePodSandbox(a.id);
  assert.ok(!fs.existsSync(`/run/netns/${netnsName(a.uid)}`));
});

test('cgroups carry the limits, report usage, and an exceeded memory limit is OOMKilled', { skip: !isRoot }, async () => {
  const pod = await sandbox({ memoryLimitBytes: 256 * 1024 * 1024 });
  const limited = config('limited', ['sleep', '30'], { resources: { cpuLimitMillis: 500, cpuRequestMillis: 250, memoryLimitBytes: 64 * 1024 * 1024 } });
  const id = await run(pod.id, limited);
  const dir = (controller: string) => (isCgroupV2() ? `/sys/fs/cgroup/${cgroupParent}/${pod.id}/${id}` : `/sys/fs/cgroup/${controller}/${cgroupParent}/${pod.id}/${id}`);
  if (isCgroupV2()) {
    assert.equal(fs.readFileSync(`${dir('')}/memory.max`, 'utf8').trim(), String(64 * 1024 * 1024));
    assert.equal(fs.readFileSync(`${dir('')}/cpu.max`, 'utf8').trim(), '50000 100000');
  } else {
    assert.equal(fs.readFileSync(`${dir('memory')}/memory.limit_in_bytes`, 'utf8').trim(), String(64 * 1024 * 1024));
    assert.equal(fs.readFileSync(`${dir('cpu')}/cpu.cfs_quota_us`, 'utf8').trim(), '50000');
    assert.equal(fs.readFileSync(`${dir('cpu')}/cpu.shares`, 'utf8').trim(), '256');
  }
  const pids = fs.readFileSync(`${dir(isCgroupV2() ? '' : 'memory')}/cgroup.procs`, 'utf8').trim().split('\n');
  assert.ok(pids.length >= 1);
  const stats = await until('memory in use', async () => {
    const s = await rt().stats(id);
    return s && s.memoryWorkingSetBytes > 0 ? s : undefined;
  });
  assert.ok(stats.cpuUsageNanos > 0);
  await rt().stopContainer(id, 0);

  const hog = await run(pod.id, config('hog', ['sh', '-c', 'head -c 1000000000 /dev/zero | tail'], { resources: { memoryLimitBytes: 32 * 1024 * 1024 } }));
  const status = await exited(hog);
  assert.equal(status.reason, 'OOMKilled');
  assert.equal(status.exitCode, 137);
  // The container's PID 1 itself killed: still 137, and nothing of the wrappers in its log.
  const main = config('mainHog', ['tail', '/dev/zero'], { resources: { memoryLimitBytes: 32 * 1024 * 1024 } });
  const mainStatus = await exited(await run(pod.id, main));
  assert.deepEqual([mainStatus.reason, mainStatus.exitCode], ['OOMKilled', 137]);
  assert.equal(fs.existsSync(main.logPath) ? fs.readFileSync(main.logPath, 'utf8') : '', '');
});

test('volumes are bind-mounted at their mountPath inside the container only; the user is switched', { skip: !isRoot }, async () => {
  const pod = await sandbox();
  const volume = fs.mkdtempSync(path.join(rootDir, 'vol-'));
  fs.writeFileSync(path.join(volume, 'greeting'), 'hello from a volume');
  fs.chmodSync(rootDir, 0o755);
  fs.chmodSync(volume, 0o755);
  const c = config('reader', ['sh', '-c', 'cat /mnt/greeting; echo; id -u; touch /mnt/x 2>/dev/null || echo read-only'], {
    mounts: [{ containerPath: '/mnt', hostPath: volume, readOnly: true }],
    user: { uid: 65534, gid: 65534 },
  });
  const status = await exited(await run(pod.id, c));
  assert.equal(status.exitCode, 0);
  await logged(c, 'stdout F read-only');
  const out = fs.readFileSync(c.logPath, 'utf8');
  assert.match(out, /stdout F hello from a volume\n/);
  assert.match(out, /stdout F 65534\n/);
  assert.ok(!fs.existsSync('/mnt/greeting'));
});

test('stop gives the container its grace period (SIGTERM to its PID 1), then SIGKILL', { skip: !isRoot }, async () => {
  const pod = await sandbox();
  const graceful = config('rootGraceful', ['sh', '-c', 'trap "sleep 0.2; echo bye; exit 0" TERM; echo ready; while :; do sleep 0.05; done']);
  const stubborn = config('rootStubborn', ['sleep', '60']);
  const gracefulId = await run(pod.id, graceful);
  const stubbornId = await run(pod.id, stubborn);
  await logged(graceful, 'ready');
  await rt().stopContainer(gracefulId, 10);
  assert.equal((await rt().containerStatus(gracefulId))?.exitCode, 0);
  await logged(graceful, 'stdout F bye');
  // PID 1 without a SIGTERM handler ignores it, as in any container: SIGKILL ends it.
  await rt().stopContainer(stubbornId, 0.2);
  assert.equal((await rt().containerStatus(stubbornId))?.exitCode, 137);
});

test('exec with a terminal in the container\'s namespaces, as its user, gets the client\'s sizes and SIGWINCH', { skip: !isRoot }, async () => {
  const id = await run((await sandbox()).id, config('rootSized', ['sleep', '60'], { user: { uid: 65534, gid: 65534 } }));
  const { code, out } = await execWithResizes(rt(), id);
  assert.equal(code, 0, out);
  assert.match(out, /size 40 100\r?\n/);
  assert.ok(out.includes('winch', out.indexOf('size 40 100')), `the later resize signals the command: ${out}`);
});

test('attach reaches the stdin of a container in its namespaces, as its user; stdinOnce closes it; tty gives it a terminal', { skip: !isRoot }, async () => {
  const pod = await sandbox();
  const nobody = { uid: 65534, gid: 65534 };
  const cat = await run(pod.id, config('rootCat', ['cat'], { stdin: true, user: nobody }));
  await echoThroughAttach(rt(), cat, 'hello');
  await echoThroughAttach(rt(), cat, 'again');
  await attachWithStdinOnce(rt(), await run(pod.id, config('rootOnce', catThenSayClosed, { stdin: true, stdinOnce: true, user: nobody })));
  const terminal = config('rootTerminal', terminalLoop, { tty: true, stdin: true, user: nobody });
  const terminalId = await run(pod.id, terminal);
  await attachToTerminal(rt(), terminalId, terminal.logPath);
  await rt().stopContainer(terminalId, 0);
  assert.equal((await rt().containerStatus(terminalId))?.exitCode, 137);
});

test('containers of a pod share its hostname and IPC; shareProcessNamespace shares PIDs', { skip: !isRoot }, async () => {
  pods++;
  const id = await rt().runPodSandbox({ uid: `${tag}${pods.toString().padStart(4, '0')}-shared`, name: 'shared', namespace: 'default', hostname: 'shared-host', hostNetwork: false, shareProcessNamespace: true });
  const first = await run(id, config('first', ['sleep', '60']));
  const second = await run(id, config('second', ['sleep', '61']));
  const { out } = await execOut(second, ['sh', '-c', 'hostname; cat /proc/*/cmdline | tr "\\0" " "']);
  assert.match(out, /^shared-host\n/);
  assert.match(out, /sleep 60/);
  assert.match(out, /sleep 61/);
  await rt().stopPodSandbox(id);
  assert.equal((await rt().containerStatus(first))?.state, 'exited');
  assert.equal((await rt().podSandboxStatus(id))?.state, 'notready');
});

test('two nodes on one machine get their own bridges; their pods reach each other through the host, nothing else', { skip: !isRoot }, async (t) => {
  // Two more runtimes, as two agents on this machine: ranges inside a range of their own.
  const n = 2 * (process.pid % 120);
  const clusterCIDR = '10.44.0.0/16';
  const nodes = [n, n + 1].map((i) => createProcessRuntime({ rootDir: path.join(rootDir, `node${i}`), mode: 'root', podCIDR: `10.44.${i}.0/24`, rejectCIDRs: [clusterCIDR], cgroupParent }));
  t.after(async () => {
    for (const node of nodes) {
      for (const s of await node.listPodSandboxes()) await node.removePodSandbox(s.id);
      node.close();
      await node.cleanUpNode();
    }
  });
  const [a, b] = nodes as [ProcessRuntime, ProcessRuntime];
  assert.equal(a.network!.bridge, `skf0a2c${n.toString(16).padStart(2, '0')}00`);
  assert.notEqual(a.network!.bridge, b.network!.bridge);
  const podOn = async (node: ProcessRuntime, name: string) => {
    const id = await node.runPodSandbox({ uid: `${tag}${name}-cross`, name, namespace: 'default', hostname: name, hostNetwork: false, shareProcessNamespace: false });
    return { id, ip: (await node.podSandboxStatus(id))!.ip! };
  };
  const podA = await podOn(a, 'xa');
  const podB = await podOn(b, 'xb');
  const serverA = config('crossServer', [process.execPath, '-e', server(8080)]);
  const idA = await a.createContainer(podA.id, serverA);
  await a.startContainer(idA);
  await logged(serverA, 'listening');
  const client = config('crossClient', ['sleep', '60']);
  const idB = await b.createContainer(podB.id, client);
  await b.startContainer(idB);
  const execOn = async (argv: string[]) => {
    let out = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((out += chunk), done()) });
    const code = await b.exec(idB, argv, { stdout: sink, stderr: sink, tty: false });
    return { code, out };
  };
  assert.deepEqual(await execOn([process.execPath, '-e', get(`http://${podA.ip}:8080`)]), { code: 0, out: 'xa\n' });
  // Forwarding is on for the bridges alone; what pods send elsewhere is refused at once.
  assert.equal(fs.readFileSync(`/proc/sys/net/ipv4/conf/${b.network!.bridge}/forwarding`, 'utf8').trim(), '1');
  const outside = `require('net').connect(80,'203.0.113.1').on('connect',()=>process.exit(0)).on('error',e=>{console.log(e.code);process.exit(1)})`;
  assert.deepEqual(await execOn([process.execPath, '-e', outside]), { code: 1, out: 'ENETUNREACH\n' });

  assert.equal(await a.cleanUpNode(), false, 'a sandbox still uses the bridge');
  for (const node of nodes) for (const s of await node.listPodSandboxes()) await node.removePodSandbox(s.id);
  // Another instance over the node's state (as `skiff killall` opens one) knows its bridge.
  const reopened = createProcessRuntime({ rootDir: path.join(rootDir, `node${n}`), mode: 'root', cgroupParent });
  assert.deepEqual(reopened.network, a.network);
  assert.equal(await reopened.cleanUpNode(), true);
  reopened.close();
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  assert.doesNotMatch(links, new RegExp(`${a.network!.bridge}:`));
  assert.match(links, new RegExp(`${b.network!.bridge}:`));
  assert.match(execFileSync('ip', ['route', 'show', clusterCIDR], { encoding: 'utf8' }), /unreachable/, 'node b still has a range inside it');
  assert.equal(await b.cleanUpNode(), true);
  assert.doesNotMatch(execFileSync('ip', ['rule', 'show'], { encoding: 'utf8' }), /skf0a2c/);
  assert.equal(execFileSync('ip', ['route', 'show', clusterCIDR], { encoding: 'utf8' }).trim(), '');
});

test('a host-network pod keeps the host\'s network and hostname', { skip: !isRoot }, async () => {
  pods++;
  const id = await rt().runPodSandbox({ uid: `${tag}${pods.toString().padStart(4, '0')}-hostnet`, name: 'hostnet', namespace: 'default', hostname: os.hostname(), hostNetwork: true, shareProcessNamespace: false });
  const c = await run(id, config('hostnet', ['sleep', '60']));
  const { out } = await execOut(c, ['sh', '-c', 'hostname; readlink /proc/self/ns/net /proc/self/ns/uts']);
  assert.equal(out, `${os.hostname()}\n${fs.readlinkSync('/proc/self/ns/net')}\n${fs.readlinkSync('/proc/self/ns/uts')}\n`);
  await rt().removePodSandbox(id);
});
