// One timer for thousands of periodic duties: members are spread over the slots of a wheel
// that turns one slot per tick, so each is visited once per period and the visits (lease
// renewals, status reports) arrive evenly instead of in a burst or from a timer apiece.

export class TimerWheel<T> {
  readonly #slots: Set<T>[];
  readonly #tickMs: number;
  readonly #visit: (members: T[]) => void;
  readonly #slotOf = new Map<T, number>();
  #next = 0;
  #current = 0;
  #timer: NodeJS.Timeout | undefined;

  /** visit gets the members of one slot per tick; periodMs / tickMs slots. */
  constructor(periodMs: number, tickMs: number, visit: (members: T[]) => void) {
    this.#tickMs = tickMs;
    this.#slots = Array.from({ length: Math.max(1, Math.round(periodMs / tickMs)) }, () => new Set<T>());
    this.#visit = visit;
  }

  /** Adds a member to the next slot round-robin: n members fill the wheel evenly. */
  add(member: T): void {
    if (this.#slotOf.has(member)) return;
    const slot = this.#next;
    this.#next = (this.#next + 1) % this.#slots.length;
    this.#slots[slot].add(member);
    this.#slotOf.set(member, slot);
  }

  remove(member: T): void {
    const slot = this.#slotOf.get(member);
    if (slot === undefined) return;
    this.#slots[slot].delete(member);
    this.#slotOf.delete(member);
  }

  get size(): number {
    return this.#slotOf.size;
  }

  start(): void {
    this.#timer ??= setInterval(() => this.turn(), this.#tickMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Visits the current slot and moves to the next (what each tick does). */
  turn(): void {
    const members = this.#slots[this.#current];
    this.#current = (this.#current + 1) % this.#slots.length;
    if (members.size > 0) this.#visit([...members]);
  }
}
