import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonDuplicateFields } from './body.ts';

test('duplicate JSON keys are named by their path', () => {
  assert.deepEqual(jsonDuplicateFields('{"a":1,"b":{"c":1,"c":2},"a":3}'), ['b.c', 'a']);
  assert.deepEqual(jsonDuplicateFields('{"spec":{"containers":[{"name":"x"},{"name":"y","name":"z"}]}}'), ['spec.containers[1].name']);
  assert.deepEqual(jsonDuplicateFields('{"metadata":{"name":"dup","name":"dup2"}}'), ['metadata.name']);
});

test('strings that look like structure, escapes and arrays of scalars are not confused', () => {
  assert.deepEqual(jsonDuplicateFields('{"a":"{\\"a\\":1,\\"a\\":2}","b":["a","a"],"c\\"":1,"c\\u0022":2}'), ['c"']);
  assert.deepEqual(jsonDuplicateFields('{ "x" : [ { "k" : 1 } , { "k" : 2 } ] , "y" : { } }'), []);
});
