// A parser for the declaration files of the kubernetes-types package. They are generated and
// very regular (JSDoc, `export interface X { field?: T; }`, `export type X = T;`, imports of
// other group/versions), so a small scanner reads them; there is no TypeScript compiler API
// to lean on at run time.

export type DtsType =
  | { kind: 'primitive'; name: 'string' | 'number' | 'boolean' }
  | { kind: 'literal'; value: string }
  /** A declared name, local or imported (see DtsModule.imports). */
  | { kind: 'ref'; name: string }
  | { kind: 'array'; items: DtsType }
  | { kind: 'map'; values: DtsType }
  | { kind: 'union'; options: DtsType[] };

export interface DtsField {
  name: string;
  doc?: string;
  optional: boolean;
  type: DtsType;
}

export type DtsDecl =
  | { kind: 'interface'; name: string; doc?: string; fields: DtsField[] }
  | { kind: 'alias'; name: string; doc?: string; type: DtsType };

export interface DtsModule {
  /** Imported name -> the module it comes from, as written ("../meta/v1", "./v1"). */
  imports: Map<string, string>;
  decls: DtsDecl[];
}

export function parseDts(text: string): DtsModule {
  const scanner = new Scanner(text);
  const imports = new Map<string, string>();
  const decls: DtsDecl[] = [];
  let doc: string | undefined;
  while (!scanner.done()) {
    if (scanner.eat('/**')) {
      doc = cleanDoc(scanner.until('*/'));
      continue;
    }
    if (scanner.eat('import')) {
      const names = scanner.until('from').replace(/[{}]/g, '').split(',');
      const from = scanner.until(';').trim().slice(1, -1);
      for (const name of names) if (name.trim()) imports.set(name.trim(), from);
      doc = undefined;
      continue;
    }
    if (scanner.eat('export interface')) {
      const name = scanner.until('{').trim();
      decls.push({ kind: 'interface', name, doc, fields: parseFields(scanner) });
      doc = undefined;
      continue;
    }
    if (scanner.eat('export type')) {
      const name = scanner.until('=').trim();
      decls.push({ kind: 'alias', name, doc, type: parseType(scanner.until(';')) });
      doc = undefined;
      continue;
    }
    throw new Error(`kubernetes-types: cannot read declaration at ${scanner.where()}`);
  }
  return { imports, decls };
}

/** Fields up to the closing brace of an interface. */
function parseFields(scanner: Scanner): DtsField[] {
  const fields: DtsField[] = [];
  let doc: string | undefined;
  while (!scanner.eat('}')) {
    if (scanner.eat('/**')) {
      doc = cleanDoc(scanner.until('*/'));
      continue;
    }
    scanner.eat('readonly ');
    const head = scanner.until(':').trim();
    const optional = head.endsWith('?');
    const name = (optional ? head.slice(0, -1) : head).replace(/^"(.*)"$/, '$1');
    fields.push({ name, doc, optional, type: parseType(scanner.typeText()) });
    doc = undefined;
  }
  return fields;
}

/** A type expression: unions of literals, names, `Array<T>`, `T[]` and `{ [name: string]: T }`. */
export function parseType(source: string): DtsType {
  const text = source.trim();
  const options = splitTopLevel(text, '|');
  if (options.length > 1) return { kind: 'union', options: options.map(parseType) };
  if (text.startsWith('Array<') && text.endsWith('>')) return { kind: 'array', items: parseType(text.slice(6, -1)) };
  if (text.endsWith('[]')) return { kind: 'array', items: parseType(text.slice(0, -2)) };
  if (text.startsWith('{')) {
    const map = /^\{\s*\[\w+: string\]:\s*([\s\S]+?);?\s*\}$/.exec(text);
    if (!map) throw new Error(`kubernetes-types: unsupported object type ${text}`);
    return { kind: 'map', values: parseType(map[1]) };
  }
  if (text.startsWith('"')) return { kind: 'literal', value: JSON.parse(text) as string };
  if (text === 'string' || text === 'number' || text === 'boolean') return { kind: 'primitive', name: text };
  if (/^\w+$/.test(text)) return { kind: 'ref', name: text };
  throw new Error(`kubernetes-types: unsupported type ${text}`);
}

function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '<' || c === '{' || c === '(') depth++;
    else if (c === '>' || c === '}' || c === ')') depth--;
    else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** JSDoc body to plain text: the leading ` * ` of each line goes, paragraphs stay. */
function cleanDoc(body: string): string | undefined {
  const lines = body.split('\n').map((line) => line.replace(/^\s*\* ?/, ''));
  const text = lines.join('\n').trim();
  return text || undefined;
}

class Scanner {
  private pos = 0;
  private readonly text: string;

  constructor(text: string) {
    this.text = text;
  }

  done(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  /** Consumes `token` (after whitespace) if it is next. */
  eat(token: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(token, this.pos)) return false;
    this.pos += token.length;
    return true;
  }

  /** Everything up to `token`, which is consumed too. */
  until(token: string): string {
    const end = this.text.indexOf(token, this.pos);
    if (end < 0) throw new Error(`kubernetes-types: expected ${token} at ${this.where()}`);
    const piece = this.text.slice(this.pos, end);
    this.pos = end + token.length;
    return piece;
  }

  /** A field's type, up to the `;` that ends it (inline map types hold `;` of their own). */
  typeText(): string {
    let depth = 0;
    for (let i = this.pos; i < this.text.length; i++) {
      const c = this.text[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === ';' && depth === 0) {
        const piece = this.text.slice(this.pos, i);
        this.pos = i + 1;
        return piece;
      }
    }
    throw new Error(`kubernetes-types: unterminated type at ${this.where()}`);
  }

  where(): string {
    const line = this.text.slice(0, this.pos).split('\n').length;
    return `line ${line}`;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
}
