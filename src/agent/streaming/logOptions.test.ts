import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QueryError, kubeletLogQuery, parsePodLogOptions, sinceMillis, validatePodLogOptions } from './logOptions.ts';

const parse = (query: string) => parsePodLogOptions(new URLSearchParams(query));

test('the query as kubectl sends it', () => {
  assert.deepEqual(parse('container=app&follow=true&tailLines=10&timestamps=true&limitBytes=500'), {
    container: 'app', follow: true, previous: false, timestamps: true, tailLines: 10, limitBytes: 500,
  });
  assert.equal(parse('sinceTime=2024-05-01T10:00:00.75Z').sinceTime, '2024-05-01T10:00:00Z');
});

test('values that do not parse are errors of the query', () => {
  assert.throws(() => parse('tailLines=ten'), (e: unknown) => e instanceof QueryError && /strconv.ParseInt: parsing "ten"/.test(e.message));
  assert.throws(() => parse('follow=yes'), /strconv.ParseBool: parsing "yes"/);
  assert.throws(() => parse('sinceTime=yesterday'), /parsing time "yesterday"/);
});

test('validation as upstream words it', () => {
  const fields = (q: string) => validatePodLogOptions(parse(q)).map((e) => `${e.field}: ${e.message}`);
  assert.deepEqual(fields('tailLines=-1&limitBytes=0'), ['tailLines: Invalid value: -1: must be greater than or equal to 0', 'limitBytes: Invalid value: 0: must be greater than 0']);
  assert.deepEqual(fields('sinceSeconds=0'), ['sinceSeconds: Invalid value: 0: must be greater than 0']);
  assert.deepEqual(fields('sinceSeconds=5&sinceTime=2024-05-01T10:00:00Z'), [': Forbidden: at most one of `sinceTime` or `sinceSeconds` may be specified']);
  assert.deepEqual(fields('tailLines=0&sinceSeconds=1'), []);
});

test("the kubelet's query carries the options the container is not part of", () => {
  assert.equal(kubeletLogQuery(parse('container=app&follow=1&previous=true&sinceSeconds=30&tailLines=5')).toString(), 'follow=true&previous=true&sinceSeconds=30&tailLines=5');
  assert.equal(sinceMillis(parse('sinceSeconds=30'), 100_000), 70_000);
  assert.equal(sinceMillis(parse('')), undefined);
});
