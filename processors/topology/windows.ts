import { type Duration, parseDuration } from "./duration.ts";
import { topologyError } from "./topology-error.ts";

/**
 * Fixed-size windows aligned to the epoch: `[start, start + sizeMs)` for every start that is a
 * multiple of `advanceMs`. Tumbling windows have `advanceMs === sizeMs`; hopping ones overlap.
 * A window closes when `end + graceMs ≤` the task's stream time.
 */
export interface TimeWindows {
  readonly kind: "time";
  readonly sizeMs: number;
  readonly advanceMs: number;
  readonly graceMs: number;
}

/**
 * Per-key activity sessions: records closer than `gapMs` share a session `[first, last]`
 * (both ends inclusive), and a record bridging two sessions merges them. A session closes when
 * `last + gapMs + graceMs <` the task's stream time (a record exactly `gapMs` later still joins).
 */
export interface SessionWindows {
  readonly kind: "session";
  readonly gapMs: number;
  readonly graceMs: number;
}

/**
 * The window of a stream–stream join: records of the two sides join when their timestamps
 * differ by at most `differenceMs`. A record is late when `timestamp + differenceMs + graceMs <`
 * the task's stream time.
 */
export interface JoinWindows {
  readonly kind: "join";
  readonly differenceMs: number;
  readonly graceMs: number;
}

/** Options every window takes. */
export interface GraceOptions {
  /** How long after its end a window still accepts out-of-order records (default 0). */
  grace?: Duration;
}

function grace(options: GraceOptions | undefined): number {
  return options?.grace === undefined ? 0 : parseDuration(options.grace, "grace");
}

function positive(duration: Duration, what: string): number {
  const ms = parseDuration(duration, what);
  if (ms < 1) throw topologyError("invalid_window", `${what} must be at least 1 ms`, { option: what });
  return ms;
}

/**
 * Window definitions for `windowedBy` and stream–stream `join`.
 *
 * @example
 * ```ts
 * windows.tumbling("1m", { grace: "10s" });        // [12:00, 12:01), [12:01, 12:02), …
 * windows.hopping("5m", "1m");                     // 5-minute windows starting every minute
 * windows.session("30s");                          // a session ends after 30 s of silence
 * windows.join("10s", { grace: "1s" });            // join records at most 10 s apart
 * ```
 */
export const windows: {
  tumbling(size: Duration, options?: GraceOptions): TimeWindows;
  hopping(size: Duration, advance: Duration, options?: GraceOptions): TimeWindows;
  session(gap: Duration, options?: GraceOptions): SessionWindows;
  join(difference: Duration, options?: GraceOptions): JoinWindows;
} = {
  /** Non-overlapping windows of `size`. @throws {RivuletError} `invalid_config` */
  tumbling(size: Duration, options?: GraceOptions): TimeWindows {
    const sizeMs = positive(size, "window size");
    return { kind: "time", sizeMs, advanceMs: sizeMs, graceMs: grace(options) };
  },
  /** Windows of `size` starting every `advance` (`advance ≤ size`). @throws {RivuletError} `invalid_config` */
  hopping(size: Duration, advance: Duration, options?: GraceOptions): TimeWindows {
    const sizeMs = positive(size, "window size");
    const advanceMs = positive(advance, "window advance");
    if (advanceMs > sizeMs) throw topologyError("invalid_window", `window advance ${advanceMs} ms exceeds size ${sizeMs} ms`, { sizeMs, advanceMs });
    return { kind: "time", sizeMs, advanceMs, graceMs: grace(options) };
  },
  /** Sessions ending after `gap` without records. @throws {RivuletError} `invalid_config` */
  session(gap: Duration, options?: GraceOptions): SessionWindows {
    return { kind: "session", gapMs: positive(gap, "session gap"), graceMs: grace(options) };
  },
  /** Joins records whose timestamps differ by at most `difference`. @throws {RivuletError} `invalid_config` */
  join(difference: Duration, options?: GraceOptions): JoinWindows {
    return { kind: "join", differenceMs: parseDuration(difference, "join difference"), graceMs: grace(options) };
  },
};

/** Checks a value passed where windows are expected. */
export function checkWindows<W extends TimeWindows | SessionWindows | JoinWindows>(candidate: unknown, kinds: readonly W["kind"][], where: string): W {
  const w = candidate as W | null;
  const fields = w === null || typeof w !== "object" ? [] : w.kind === "time" ? ["sizeMs", "advanceMs", "graceMs"] : w.kind === "session" ? ["gapMs", "graceMs"] : ["differenceMs", "graceMs"];
  const valid = fields.every((f) => Number.isSafeInteger((w as unknown as Record<string, unknown>)[f]) && ((w as unknown as Record<string, number>)[f]) >= (f === "graceMs" || f === "differenceMs" ? 0 : 1));
  if (typeof w !== "object" || w === null || !kinds.includes(w.kind) || !valid) {
    throw topologyError("invalid_window", `${where} takes ${kinds.map((k) => (k === "time" ? "windows.tumbling/hopping" : `windows.${k}`)).join(" or ")}`, { where });
  }
  return w;
}
