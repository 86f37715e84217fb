import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ipBatch } from './ipCommand.ts';

test('ipBatch runs its commands in one ip process; the first failure fails it, saying which', async () => {
  await ipBatch([['link', 'show', 'lo'], ['addr', 'show', 'dev', 'lo']]);
  await assert.rejects(ipBatch([['link', 'show', 'lo'], ['link', 'show', 'skiff-no-such-dev']]), (err: { stderr?: string }) => {
    assert.match(String(err.stderr), /skiff-no-such-dev/);
    assert.match(String(err.stderr), /Command failed -:2/);
    return true;
  });
});
