import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goArch, internalIP, memTotalBytes, readHostFacts } from './hostFacts.ts';
import { podCIDRFor } from './realNode.ts';

test('MemTotal is read from /proc/meminfo in bytes', () => {
  assert.equal(memTotalBytes('MemTotal:       16318540 kB\nMemFree:         1022880 kB\n'), 16318540 * 1024);
  assert.equal(memTotalBytes(''), undefined);
});

test('the InternalIP is the first non-loopback IPv4 address not on skiff\'s own interfaces, else 127.0.0.1', () => {
  const addr = (address: string, family: 'IPv4' | 'IPv6', internal = false) => ({ address, family, internal, netmask: '', mac: '', cidr: null });
  assert.equal(internalIP({
    lo: [addr('127.0.0.1', 'IPv4', true)],
    skiff0: [addr('10.42.7.1', 'IPv4')],
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
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a node\'s podCIDR is a /24 of 10.42.0.0/16 that depends only on its name', () => {
  assert.match(podCIDRFor('node-a'), /^10\.42\.\d{1,3}\.0\/24$/);
  assert.equal(podCIDRFor('node-a'), podCIDRFor('node-a'));
});
