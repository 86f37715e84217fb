import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createExpectations } from './expectations.ts';

test('a key with no expectations is satisfied', () => {
  assert.ok(createExpectations().satisfied('ns/rs'));
});

test('creations are satisfied once each is observed', () => {
  const e = createExpectations();
  e.expectCreations('ns/rs', 2);
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  assert.ok(!e.satisfied('ns/rs'));
  e.creationObserved('ns/rs');
  assert.ok(e.satisfied('ns/rs'));
});

test('deletions count only the expected pods, each once', () => {
  const e = createExpectations();
  e.expectDeletions('ns/rs', ['ns/a', 'ns/b']);
  e.deletionObserved('ns/rs', 'ns/other');
  e.deletionObserved('ns/rs', 'ns/a');
  e.deletionObserved('ns/rs', 'ns/a'); // the graceful update, then the real delete
  assert.ok(!e.satisfied('ns/rs'));
  e.deletionObserved('ns/rs', 'ns/b');
  assert.ok(e.satisfied('ns/rs'));
});

test('expectations expire after the timeout, and forget clears them', () => {
  let now = 0;
  const e = createExpectations(() => now, 1000);
  e.expectCreations('ns/rs', 3);
  now = 1000;
  assert.ok(!e.satisfied('ns/rs'));
  now = 1001;
  assert.ok(e.satisfied('ns/rs'));
  e.expectCreations('ns/other', 1);
  e.forget('ns/other');
  assert.ok(e.satisfied('ns/other'));
});
