/** One scheduled deadline: its key, its time and the task to run at that time. */
export interface DeadlineEntry<K> {
  readonly key: K;
  /** Time in milliseconds since the epoch at which the task becomes due. */
  readonly deadline: number;
  /** Order of scheduling. Among equal deadlines, the entry scheduled first runs first. */
  readonly sequence: number;
  readonly task: () => void;
}

interface HeapSlot<K> {
  entry: DeadlineEntry<K>;
  index: number;
}

/**
 * Min-heap of deadlines with at most one entry per key.
 *
 * A map from key to heap slot makes replacing and removing an entry O(log n), which is what
 * socket disconnects and token refreshes need.
 */
export class DeadlineHeap<K> {
  private readonly slots: HeapSlot<K>[] = [];
  private readonly slotsByKey = new Map<K, HeapSlot<K>>();

  /** Number of entries. */
  get size(): number {
    return this.slots.length;
  }

  /** Returns the entry with the earliest deadline, without removing it. */
  peek(): DeadlineEntry<K> | undefined {
    return this.slots[0]?.entry;
  }

  /** Returns the entry of `key`. */
  get(key: K): DeadlineEntry<K> | undefined {
    return this.slotsByKey.get(key)?.entry;
  }

  /** Adds `entry`, replacing the entry of the same key if there is one. */
  set(entry: DeadlineEntry<K>): void {
    const existing = this.slotsByKey.get(entry.key);
    if (existing !== undefined) {
      existing.entry = entry;
      this.restore(existing.index);
      return;
    }

    const slot: HeapSlot<K> = { entry, index: this.slots.length };
    this.slots.push(slot);
    this.slotsByKey.set(entry.key, slot);
    this.siftUp(slot.index);
  }

  /** Removes the entry of `key` and returns it, or `undefined` when there is none. */
  delete(key: K): DeadlineEntry<K> | undefined {
    const slot = this.slotsByKey.get(key);
    if (slot === undefined) {
      return undefined;
    }

    this.slotsByKey.delete(key);
    const last = this.slots.pop() as HeapSlot<K>;
    if (last !== slot) {
      last.index = slot.index;
      this.slots[slot.index] = last;
      this.restore(slot.index);
    }
    return slot.entry;
  }

  /** Removes and returns the entry with the earliest deadline. */
  pop(): DeadlineEntry<K> | undefined {
    const first = this.slots[0];
    return first === undefined ? undefined : this.delete(first.entry.key);
  }

  /** Removes every entry. */
  clear(): void {
    this.slots.length = 0;
    this.slotsByKey.clear();
  }

  /** Moves the slot at `index` up or down until the heap order is restored. */
  private restore(index: number): void {
    if (!this.siftUp(index)) {
      this.siftDown(index);
    }
  }

  /** Moves the slot at `index` towards the root and returns whether it moved. */
  private siftUp(index: number): boolean {
    let current = index;
    while (current > 0) {
      const parent = (current - 1) >> 1;
      if (!this.precedes(current, parent)) {
        break;
      }
      this.swap(current, parent);
      current = parent;
    }
    return current !== index;
  }

  private siftDown(index: number): void {
    let current = index;
    for (;;) {
      const left = 2 * current + 1;
      const right = left + 1;
      let smallest = current;

      if (left < this.slots.length && this.precedes(left, smallest)) {
        smallest = left;
      }
      if (right < this.slots.length && this.precedes(right, smallest)) {
        smallest = right;
      }
      if (smallest === current) {
        return;
      }

      this.swap(current, smallest);
      current = smallest;
    }
  }

  private precedes(a: number, b: number): boolean {
    const first = (this.slots[a] as HeapSlot<K>).entry;
    const second = (this.slots[b] as HeapSlot<K>).entry;
    return first.deadline < second.deadline || (first.deadline === second.deadline && first.sequence < second.sequence);
  }

  private swap(a: number, b: number): void {
    const first = this.slots[a] as HeapSlot<K>;
    const second = this.slots[b] as HeapSlot<K>;
    this.slots[a] = second;
    this.slots[b] = first;
    first.index = b;
    second.index = a;
  }
}
