/**
 * Checks shared by the option resolvers. Each throws at start-up with a message that names the
 * option by its path, the allowed range and the value received.
 */

/** Renders a received value for an error message without ever printing secret material. */
export function describeReceived(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > 64 ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  if (Array.isArray(value)) {
    return value.length === 1 ? 'an array of 1 item' : `an array of ${value.length} items`;
  }
  return `a value of type ${typeof value}`;
}

/** Returns `value` when it is an integer in `[min, max]`, or throws naming `path`. */
export function requireInteger(path: string, value: unknown, min: number, max: number, unit = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new TypeError(
      `${path} must be an integer from ${min} to ${max}${unit}; received ${describeReceived(value)}.`,
    );
  }
  if (value < min || value > max) {
    throw new RangeError(
      `${path} must be an integer from ${min} to ${max}${unit}; received ${describeReceived(value)}.`,
    );
  }
  return value;
}

/** Returns `value` when it is a finite number in `[min, max]`, or throws naming `path`. */
export function requireFiniteNumber(path: string, value: unknown, min: number, max: number, unit = ''): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(
      `${path} must be a finite number from ${min} to ${max}${unit}; received ${describeReceived(value)}.`,
    );
  }
  if (value < min || value > max) {
    throw new RangeError(
      `${path} must be a finite number from ${min} to ${max}${unit}; received ${describeReceived(value)}.`,
    );
  }
  return value;
}

/** Returns `value` when it is a boolean, or throws naming `path`. */
export function requireBoolean(path: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new TypeError(`${path} must be true or false; received ${describeReceived(value)}.`);
  }
  return value;
}

/** Returns `value` when it is one of `allowed`, or throws naming `path`. */
export function requireOneOf<T extends string>(path: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    const choices = allowed.map((choice) => `'${choice}'`).join(', ');
    throw new TypeError(`${path} must be one of ${choices}; received ${describeReceived(value)}.`);
  }
  return value as T;
}

/** Returns `value` when it is a non-empty string, or throws naming `path`. */
export function requireNonEmptyString(path: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new TypeError(`${path} must be a non-empty string; received ${describeReceived(value)}.`);
  }
  return value;
}

/** Returns `value` when it is a plain object or undefined, or throws naming `path`. */
export function requireOptionalObject(path: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${path} must be an object; received ${describeReceived(value)}.`);
  }
  return value as Record<string, unknown>;
}
