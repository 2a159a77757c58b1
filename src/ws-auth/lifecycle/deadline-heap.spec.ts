import fc from 'fast-check';

import { DeadlineHeap, type DeadlineEntry } from './deadline-heap.js';

type Operation =
  | { readonly kind: 'set'; readonly key: number; readonly deadline: number }
  | { readonly kind: 'delete'; readonly key: number }
  | { readonly kind: 'pop' };

function entry(key: string, deadline: number, sequence: number): DeadlineEntry<string> {
  return { key, deadline, sequence, task: () => undefined };
}

function drain<K>(heap: DeadlineHeap<K>): K[] {
  const keys: K[] = [];
  for (let next = heap.pop(); next !== undefined; next = heap.pop()) {
    keys.push(next.key);
  }
  return keys;
}

describe('DeadlineHeap', () => {
  it('pops entries in deadline order', () => {
    const heap = new DeadlineHeap<string>();
    heap.set(entry('c', 30, 0));
    heap.set(entry('a', 10, 1));
    heap.set(entry('b', 20, 2));

    expect(heap.peek()?.key).toBe('a');
    expect(drain(heap)).toEqual(['a', 'b', 'c']);
    expect(heap.size).toBe(0);
  });

  it('pops equal deadlines in scheduling order', () => {
    const heap = new DeadlineHeap<string>();
    heap.set(entry('second', 10, 2));
    heap.set(entry('first', 10, 1));
    heap.set(entry('third', 10, 3));

    expect(drain(heap)).toEqual(['first', 'second', 'third']);
  });

  it('keeps one entry per key when a key is set again', () => {
    const heap = new DeadlineHeap<string>();
    heap.set(entry('a', 10, 0));
    heap.set(entry('b', 20, 1));
    heap.set(entry('a', 30, 2));

    expect(heap.size).toBe(2);
    expect(heap.get('a')?.deadline).toBe(30);
    expect(drain(heap)).toEqual(['b', 'a']);
  });

  it('deletes an entry from the middle', () => {
    const heap = new DeadlineHeap<string>();
    ['a', 'b', 'c', 'd', 'e'].forEach((key, index) => heap.set(entry(key, (index + 1) * 10, index)));

    expect(heap.delete('c')?.deadline).toBe(30);
    expect(heap.delete('c')).toBeUndefined();
    expect(drain(heap)).toEqual(['a', 'b', 'd', 'e']);
  });

  it('returns nothing from an empty heap', () => {
    const heap = new DeadlineHeap<string>();

    expect(heap.peek()).toBeUndefined();
    expect(heap.pop()).toBeUndefined();
    expect(heap.get('a')).toBeUndefined();
  });

  it('empties on clear', () => {
    const heap = new DeadlineHeap<string>();
    heap.set(entry('a', 10, 0));
    heap.clear();

    expect(heap.size).toBe(0);
    expect(heap.get('a')).toBeUndefined();
  });

  it('agrees with a sorted list under any sequence of operations', () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 15 }), deadline: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 15 }) }),
      fc.record({ kind: fc.constant('pop' as const) }),
    );

    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), (operations: Operation[]) => {
        const heap = new DeadlineHeap<number>();
        const model = new Map<number, { deadline: number; sequence: number }>();
        const ordered = () =>
          [...model.entries()].sort(([, a], [, b]) => a.deadline - b.deadline || a.sequence - b.sequence);

        operations.forEach((step, sequence) => {
          if (step.kind === 'set') {
            heap.set({ key: step.key, deadline: step.deadline, sequence, task: () => undefined });
            model.set(step.key, { deadline: step.deadline, sequence });
          } else if (step.kind === 'delete') {
            expect(heap.delete(step.key)?.deadline).toBe(model.get(step.key)?.deadline);
            model.delete(step.key);
          } else {
            const expected = ordered()[0];
            expect(heap.pop()?.key).toBe(expected?.[0]);
            if (expected !== undefined) {
              model.delete(expected[0]);
            }
          }
          expect(heap.size).toBe(model.size);
          expect(heap.peek()?.key).toBe(ordered()[0]?.[0]);
        });

        expect(drain(heap)).toEqual(ordered().map(([key]) => key));
      }),
    );
  });
});
