/** Runs `action` and returns what it threw; fails the test when it returns instead. */
export function thrownBy(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the action to throw, but it returned.');
}
