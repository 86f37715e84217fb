import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { ApiError } from './errors.ts';

const obj = (labels: Record<string, string>, extra: object = {}) => ({ metadata: { name: 'x', namespace: 'ns', labels }, ...extra });

test('equality label selectors: =, == and !=', () => {
  assert.equal(parseLabelSelector('app=web')(obj({ app: 'web' })), true);
  assert.equal(parseLabelSelector('app==web')(obj({ app: 'db' })), false);
  assert.equal(parseLabelSelector('app!=web')(obj({})), true, 'a missing label is not equal');
  assert.equal(parseLabelSelector('app=web,tier=front')(obj({ app: 'web' })), false);
});

test('set-based label selectors: in, notin, exists and !key', () => {
  const s = parseLabelSelector('env in (prod, staging),tier notin (db),release,!legacy');
  assert.equal(s(obj({ env: 'prod', tier: 'web', release: '1' })), true);
  assert.equal(s(obj({ env: 'dev', release: '1' })), false);
  assert.equal(s(obj({ env: 'prod', tier: 'db', release: '1' })), false);
  assert.equal(s(obj({ env: 'prod', release: '1', legacy: 'y' })), false);
  assert.equal(s(obj({ env: 'prod' })), false);
});

test('an empty label selector matches everything', () => {
  assert.equal(parseLabelSelector('')(obj({})), true);
});

test('malformed label selectors are a 400', () => {
  for (const bad of ['app in web', 'a b c', 'app=in valid!', '=x']) {
    assert.throws(() => parseLabelSelector(bad), (e: unknown) => e instanceof ApiError && e.code === 400, bad);
  }
});

test('field selectors: generic metadata fields and declared ones', () => {
  const pod = obj({}, { status: { phase: 'Running' }, spec: { nodeName: '' } });
  const fields = { 'status.phase': (o: any) => o.status?.phase, 'spec.nodeName': (o: any) => o.spec?.nodeName };
  assert.equal(parseFieldSelector('metadata.name=x,metadata.namespace==ns', fields)(pod), true);
  assert.equal(parseFieldSelector('status.phase!=Running', fields)(pod), false);
  assert.equal(parseFieldSelector('spec.nodeName=', fields)(pod), true, 'an empty value matches an unset field');
});

test('an unknown field label is a 400 naming it', () => {
  assert.throws(() => parseFieldSelector('spec.colour=blue', {}), (e: unknown) => e instanceof ApiError && e.code === 400 && /field label not supported: spec.colour/.test(e.message));
});
