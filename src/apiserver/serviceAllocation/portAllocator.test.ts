import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PortAllocator, parsePortRange } from './portAllocator.ts';

test('node port ranges as --service-node-port-range takes them', () => {
  assert.deepEqual(parsePortRange('30000-32767'), { base: 30000, size: 2768 });
  assert.deepEqual(parsePortRange('31000'), { base: 31000, size: 1 });
  assert.throws(() => parsePortRange('32767-30000'), /low end first/);
  assert.throws(() => parsePortRange('30000-70000'), /1-65535/);
  assert.throws(() => parsePortRange('ports'), /not a range/);
});

test('ports come from the range; requested ones must be in it and free, worded as upstream', () => {
  const ports = new PortAllocator(parsePortRange('30000-30009'));
  assert.equal(ports.range, '30000-30009');
  ports.allocate(30005, 'a');
  assert.throws(() => ports.allocate(30005, 'a'), { message: 'provided port is already allocated' });
  assert.throws(() => ports.allocate(80, 'a'), { message: 'provided port is not in the valid range. The range of valid ports is 30000-30009' });
  const rest = Array.from({ length: 9 }, () => ports.allocateNext('a'));
  assert.ok(rest.every((p) => p >= 30000 && p <= 30009 && p !== 30005));
  assert.equal(new Set(rest).size, 9);
  assert.throws(() => ports.allocateNext('a'), { message: 'range is full' });
  ports.release(30005, 'a');
  assert.equal(ports.has(30005), false);
  assert.equal(ports.allocateNext('a'), 30005);
});
