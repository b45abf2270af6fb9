import { topologyError } from "./topology-error.ts";

/** A duration: milliseconds, or a string such as `"500ms"`, `"10s"`, `"1m"`, `"2h"`, `"1d"`. */
export type Duration = number | string;

const unitMs: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const pattern = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/**
 * Parses a duration to whole milliseconds.
 *
 * @param duration ms as a number, or a number with a unit (`ms`, `s`, `m`, `h`, `d`)
 * @param what the option's name, for the error message
 * @returns whole milliseconds, ≥ 0
 * @throws {RivuletError} `invalid_config` (reason `invalid_duration`) for anything else
 * @example
 * ```ts
 * parseDuration("1m", "size"); // 60000
 * ```
 */
export function parseDuration(duration: Duration, what: string): number {
  let ms = Number.NaN;
  if (typeof duration === "number") ms = duration;
  else if (typeof duration === "string") {
    const match = pattern.exec(duration.trim());
    if (match) ms = Number(match[1]) * unitMs[match[2]];
  }
  if (!Number.isFinite(ms) || ms < 0 || !Number.isSafeInteger(Math.round(ms))) {
    throw topologyError("invalid_duration", `${what} must be a duration (ms, or like "10s", "1m"), got ${JSON.stringify(duration)}`, { option: what });
  }
  return Math.round(ms);
}
