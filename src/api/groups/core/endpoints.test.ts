import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpoints, formatEndpoints } from './endpoints.ts';

test('ENDPOINTS lists ip:port, at most three, then how many more', () => {
  assert.equal(formatEndpoints(undefined), '<none>');
  const subsets = [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ port: 80 }, { port: 443 }] }];
  assert.equal(formatEndpoints(subsets), '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 1 more...');
  assert.equal(formatEndpoints([{ addresses: [{ ip: 'fd00::1' }] }]), 'fd00::1');
  assert.equal(formatEndpoints([{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 53 }] }]), '[fd00::1]:53');
});

test('subsets need addresses; addresses must be routable; ports default to TCP', () => {
  const ep: any = { subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: 80 }] }, { ports: [{ port: 81 }] }] };
  endpoints.defaults!(ep);
  assert.equal(ep.subsets[0].ports[0].protocol, 'TCP');
  assert.deepEqual(endpoints.validate!(ep).map((e) => `${e.field}: ${e.message}`), [
    'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`',
  ]);
});
