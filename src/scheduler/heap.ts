// A binary heap that can also remove any item (the scheduling queue deletes and moves pods
// that sit in the middle of its heaps).

export class Heap<T> {
  readonly #items: T[] = [];
  readonly #positions = new Map<T, number>();
  readonly #less: (a: T, b: T) => boolean;

  constructor(less: (a: T, b: T) => boolean) {
    this.#less = less;
  }

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  push(item: T): void {
    this.#items.push(item);
    this.#positions.set(item, this.#items.length - 1);
    this.#up(this.#items.length - 1);
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top !== undefined) this.delete(top);
    return top;
  }

  delete(item: T): boolean {
    const i = this.#positions.get(item);
    if (i === undefined) return false;
    this.#positions.delete(item);
    const last = this.#items.pop()!;
    if (i < this.#items.length) {
      this.#items[i] = last;
      this.#positions.set(last, i);
      this.#down(i);
      this.#up(i);
    }
    return true;
  }

  #up(i: number): void {
    const items = this.#items;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(items[i], items[parent])) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const items = this.#items;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < items.length && this.#less(items[left], items[smallest])) smallest = left;
      if (right < items.length && this.#less(items[right], items[smallest])) smallest = right;
      if (smallest === i) return;
      this.#swap(i, smallest);
      i = smallest;
    }
  }

  #swap(a: number, b: number): void {
    const items = this.#items;
    [items[a], items[b]] = [items[b], items[a]];
    this.#positions.set(items[a], a);
    this.#positions.set(items[b], b);
  }
}
