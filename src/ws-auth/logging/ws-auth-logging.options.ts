import { requireInteger, requireOptionalObject } from '../options/option-checks.js';

/** Logging options of the module. */
export interface WsAuthLoggingOptions {
  /**
   * Shortest time between two summary lines of authentication failures, in milliseconds, from
   * 1,000 to 86,400,000 (one day). Failures are counted per error code in between, so an
   * authentication storm writes one line per interval instead of one line per attempt.
   * @default 60_000
   */
  failureSummaryIntervalMs?: number;
}

/** Logging options after validation, with every default filled in. */
export type ResolvedWsAuthLoggingOptions = Readonly<Required<WsAuthLoggingOptions>>;

/** Default value of every logging option. */
export const LOGGING_DEFAULTS: ResolvedWsAuthLoggingOptions = Object.freeze({
  failureSummaryIntervalMs: 60_000,
});

const MIN_SUMMARY_INTERVAL_MS = 1_000;
const MAX_SUMMARY_INTERVAL_MS = 86_400_000;

const OPTION_NAMES: readonly string[] = Object.keys(LOGGING_DEFAULTS);

/**
 * Validates the logging options and fills in the defaults.
 *
 * @throws TypeError or RangeError naming the option, the allowed range and the value received.
 */
export function resolveLoggingOptions(value: unknown, optionPath = 'logging'): ResolvedWsAuthLoggingOptions {
  const source = requireOptionalObject(optionPath, value);
  if (source === undefined) {
    return LOGGING_DEFAULTS;
  }

  for (const key of Object.keys(source)) {
    if (!OPTION_NAMES.includes(key)) {
      throw new TypeError(`${optionPath}.${key} is not a logging option; valid options are ${OPTION_NAMES.join(', ')}.`);
    }
  }

  const interval = source.failureSummaryIntervalMs;
  return Object.freeze({
    failureSummaryIntervalMs:
      interval === undefined
        ? LOGGING_DEFAULTS.failureSummaryIntervalMs
        : requireInteger(
            `${optionPath}.failureSummaryIntervalMs`,
            interval,
            MIN_SUMMARY_INTERVAL_MS,
            MAX_SUMMARY_INTERVAL_MS,
            ' ms',
          ),
  });
}
