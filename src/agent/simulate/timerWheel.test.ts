import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimerWheel } from './timerWheel.ts';

test('every member is visited once per turn of the wheel, spread evenly over its slots', () => {
  const visits: string[][] = [];
  const wheel = new TimerWheel<string>(1000, 100, (members) => visits.push(members));
  for (let i = 0; i < 25; i++) wheel.add(`n${i}`);
  for (let tick = 0; tick < 10; tick++) wheel.turn();
  assert.equal(visits.length, 10);
  assert.ok(visits.every((slot) => slot.length === 2 || slot.length === 3), 'no slot holds a burst');
  assert.deepEqual(visits.flat().sort(), Array.from({ length: 25 }, (_, i) => `n${i}`).sort());
});

test('a removed member is no longer visited', () => {
  const seen = new Set<string>();
  const wheel = new TimerWheel<string>(200, 100, (members) => members.forEach((m) => seen.add(m)));
  wheel.add('a');
  wheel.add('b');
  wheel.remove('a');
  wheel.turn();
  wheel.turn();
  assert.deepEqual([...seen], ['b']);
  assert.equal(wheel.size, 1);
});
