import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createEndpointChooser } from './endpointChooser.ts';
import type { Endpoint } from './servicePorts.ts';

const endpoints: Endpoint[] = ['10.42.0.2', '10.42.0.3', '10.42.0.4'].map((ip) => ({ ip, port: 8080, local: true }));

test('no endpoint: nothing is chosen', () => {
  assert.equal(createEndpointChooser({ endpoints: [], affinitySeconds: 10 }).choose('192.0.2.1'), undefined);
});

test('affinity lasts the timeout since the client\'s last connection, then the client may move', () => {
  let now = 0;
  const chooser = createEndpointChooser({ endpoints, affinitySeconds: 10 }, () => now);
  const first = chooser.choose('192.0.2.1')!;
  for (let i = 0; i < 20; i++) {
    now += 9_000; // each connection within the timeout of the previous one refreshes it
    assert.equal(chooser.choose('192.0.2.1'), first);
  }
  const later = new Set<Endpoint>();
  for (let i = 0; i < 30; i++) {
    now += 10_000;
    later.add(chooser.choose('192.0.2.1')!);
  }
  assert.ok(later.size > 1, 'after the timeout each connection is chosen anew');
});

test('each client has its own affinity', () => {
  const chooser = createEndpointChooser({ endpoints, affinitySeconds: 60 });
  const firsts = new Set<Endpoint>();
  for (let client = 1; client <= 30; client++) {
    const first = chooser.choose(`192.0.2.${client}`)!;
    firsts.add(first);
    assert.equal(chooser.choose(`192.0.2.${client}`), first);
  }
  assert.equal(firsts.size, 3, 'new clients are spread');
});

test('a client whose endpoint left is sent to another, which it keeps; without affinity every connection is chosen anew', () => {
  const chooser = createEndpointChooser({ endpoints, affinitySeconds: 60 });
  const chosen = chooser.choose('192.0.2.1')!;
  const others = endpoints.filter((e) => e !== chosen);
  chooser.update({ endpoints: others, affinitySeconds: 60 });
  assert.equal(chooser.usable(chosen), false);
  const replacement = chooser.choose('192.0.2.1')!;
  assert.ok(others.includes(replacement));
  chooser.update({ endpoints, affinitySeconds: 60 });
  assert.equal(chooser.choose('192.0.2.1'), replacement);

  chooser.update({ endpoints });
  const spread = new Set<Endpoint>();
  for (let i = 0; i < 60; i++) spread.add(chooser.choose('192.0.2.1')!);
  assert.equal(spread.size, 3);
});
