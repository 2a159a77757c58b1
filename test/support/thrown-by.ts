/** Runs `action` and returns what it threw; fails the test when it returns instead. */
export function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the action to throw, but it returned.');
}

/** Awaits `action` and returns what it rejected with; fails the test when it resolves instead. */
export async function thrownByAsync(action: () => Promise<unknown>): Promise<Error> {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the action to reject, but it resolved.');
}
