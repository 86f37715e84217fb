import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDts, parseType } from './dts.ts';

const sample = `import { ObjectMeta, Time } from "../meta/v1";
/** Widget is a thing. */
export interface Widget {
    /**
     * First paragraph.
     *
     * Second paragraph.
     */
    readonly count?: number;
    kind?: "Widget";
    labels?: {
        [name: string]: string;
    };
    metadata?: ObjectMeta;
    "x-dashed"?: boolean;
    port: number | string;
    times: Array<Time>;
}
/** A stamp. */
export type Stamp = string;
`;

test('a declaration file parses into interfaces, aliases and imports', () => {
  const module = parseDts(sample);
  assert.equal(module.imports.get('Time'), '../meta/v1');
  const [widget, stamp] = module.decls;
  assert.deepEqual(stamp, { kind: 'alias', name: 'Stamp', doc: 'A stamp.', type: { kind: 'primitive', name: 'string' } });
  assert.equal(widget.kind, 'interface');
  if (widget.kind !== 'interface') return;
  assert.equal(widget.doc, 'Widget is a thing.');
  assert.deepEqual(
    widget.fields.map((field) => [field.name, field.optional]),
    [
      ['count', true],
      ['kind', true],
      ['labels', true],
      ['metadata', true],
      ['x-dashed', true],
      ['port', false],
      ['times', false],
    ],
  );
  assert.equal(widget.fields[0].doc, 'First paragraph.\n\nSecond paragraph.');
  assert.deepEqual(widget.fields[1].type, { kind: 'literal', value: 'Widget' });
  assert.deepEqual(widget.fields[2].type, { kind: 'map', values: { kind: 'primitive', name: 'string' } });
  assert.deepEqual(widget.fields[6].type, { kind: 'array', items: { kind: 'ref', name: 'Time' } });
});

test('type expressions: unions, arrays in both spellings, nested maps', () => {
  assert.deepEqual(parseType('number | string'), {
    kind: 'union',
    options: [
      { kind: 'primitive', name: 'number' },
      { kind: 'primitive', name: 'string' },
    ],
  });
  assert.deepEqual(parseType('JSONSchemaProps[]'), { kind: 'array', items: { kind: 'ref', name: 'JSONSchemaProps' } });
  assert.deepEqual(parseType('{ [name: string]: Array<string>; }'), {
    kind: 'map',
    values: { kind: 'array', items: { kind: 'primitive', name: 'string' } },
  });
  assert.throws(() => parseType('Promise<string> & X'));
});
