import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goArch, internalIP, memTotalBytes, pressureOf, readHostFacts, type HostUsage } from './hostFacts.ts';

test('MemTotal is read from /proc/meminfo in bytes', () => {
  assert.equal(memTotalBytes('MemTotal:       16318540 kB\nMemFree:         1022880 kB\n'), 16318540 * 1024);
  assert.equal(memTotalBytes(''), undefined);
});

test('the InternalIP is the first non-loopback IPv4 address not on skiff\'s own interfaces, else 127.0.0.1', () => {
  const addr = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({ address, family, internal, netmask: '', mac: '', cidr: null });
  assert.equal(internalIP({
    lo: [addr('127.0.0.1', 'IPv4', true)],
    skiff0: [addr('10.42.7.1', 'IPv4')],
    skf0a2a0700: [addr('10.42.7.1', 'IPv4')],
    vethab12cd34: [addr('169.254.1.1', 'IPv4')],
    eth0: [addr('fe80::1', 'IPv6'), addr('192.168.1.20', 'IPv4')],
  } as never), '192.168.1.20');
  assert.equal(internalIP({ lo: [addr('127.0.0.1', 'IPv4', true)] } as never), '127.0.0.1');
});

test('architectures are named as Go names them', () => {
  assert.equal(goArch('x64'), 'amd64');
  assert.equal(goArch('arm64'), 'arm64');
});

test('the host\'s facts: capacity, allocatable below it, addresses, nodeInfo', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'skiff-facts-'));
  try {
    const facts = await readHostFacts(dir, '0.1.0');
    assert.equal(facts.capacity.pods, '110');
    assert.ok(Number(facts.capacity.cpu) >= 1);
    assert.ok(parseInt(facts.allocatable.memory) < parseInt(facts.capacity.memory));
    assert.ok(Number(facts.allocatable['ephemeral-storage']) < parseInt(facts.capacity['ephemeral-storage']) * 1024);
    assert.deepEqual(facts.addresses.map((a) => a.type), ['InternalIP', 'Hostname']);
    assert.equal(facts.nodeInfo.containerRuntimeVersion, 'process://0.1.0');
    assert.equal(facts.nodeInfo.kubeletVersion, 'v1.32.0-skiff');
    assert.equal(facts.nodeInfo.operatingSystem, 'linux');
    assert.deepEqual(Object.keys(facts.pressure).sort(), ['disk', 'memory', 'pid']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('pressure: under 100Mi of memory available, 10% of the disk or 5% of its inodes, 10% of PIDs', () => {
  const Mi = 2 ** 20;
  const fine: HostUsage = { memAvailableBytes: 500 * Mi, disk: { availableBytes: 50, totalBytes: 100, inodesFree: 50, inodesTotal: 100 }, pids: { used: 100, max: 32768 } };
  assert.deepEqual(pressureOf(fine), { memory: false, disk: false, pid: false });
  assert.deepEqual(pressureOf({ ...fine, memAvailableBytes: 99 * Mi }), { memory: true, disk: false, pid: false });
  assert.equal(pressureOf({ ...fine, disk: { ...fine.disk, availableBytes: 9 } }).disk, true);
  assert.equal(pressureOf({ ...fine, disk: { ...fine.disk, inodesFree: 4 } }).disk, true);
  assert.equal(pressureOf({ ...fine, disk: { ...fine.disk, inodesFree: 0, inodesTotal: 0 } }).disk, false, 'no inode counts (e.g. btrfs) is no inode pressure');
  assert.equal(pressureOf({ ...fine, pids: { used: 30000, max: 32768 } }).pid, true);
  assert.equal(pressureOf({ ...fine, pids: { used: 100, max: Infinity } }).pid, false);
});
