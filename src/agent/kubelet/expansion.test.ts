import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expand } from './expansion.ts';

const vars: Record<string, string> = { A: 'a', EMPTY: '', B: '$(A)' };
const run = (s: string) => expand(s, (n) => vars[n]);

test('defined variables are replaced, undefined ones stay as written', () => {
  assert.equal(run('x-$(A)-$(NOPE)-y'), 'x-a-$(NOPE)-y');
  assert.equal(run('$(EMPTY)'), '');
});

test('$$ escapes a dollar, so $$(A) is the literal $(A)', () => {
  assert.equal(run('$$(A)'), '$(A)');
  assert.equal(run('cost: $$5'), 'cost: $5');
});

test('a lone $, a trailing $ and an unclosed $( are kept', () => {
  assert.equal(run('$x $'), '$x $');
  assert.equal(run('$(A'), '$(A');
  assert.equal(run('a$'), 'a$');
});

test('values are not expanded twice', () => {
  assert.equal(run('$(B)'), '$(A)');
});
