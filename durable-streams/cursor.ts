/**
 * Stream-Cursor values (PROTOCOL.md §8.1): the number of 20-second intervals since
 * 2024-10-09T00:00:00Z. A client echoing a cursor at or past the current interval gets one
 * moved ahead by 1-3600 seconds of random jitter, so cursors never repeat or go back and CDN
 * caches keyed on them cannot loop.
 */

const EPOCH_MS = Date.UTC(2024, 9, 9);
const INTERVAL_MS = 20_000;
const JITTER_INTERVALS_MAX = 3600 / (INTERVAL_MS / 1000);

/**
 * The cursor for a live response.
 *
 * @param nowMs the current time
 * @param clientCursor the `cursor` query parameter, if any
 * @param random a source of [0, 1) (tests pass a fixed one)
 * @returns a decimal cursor
 * @example
 * ```ts
 * nextCursor(Date.UTC(2024, 9, 9, 0, 1), null); // "3"
 * ```
 */
export function nextCursor(nowMs: number, clientCursor: string | null, random: () => number = Math.random): string {
  const current = Math.max(0, Math.floor((nowMs - EPOCH_MS) / INTERVAL_MS));
  const given = clientCursor !== null && /^\d{1,15}$/.test(clientCursor) ? Number(clientCursor) : -1;
  if (given < current) return String(current);
  return String(given + 1 + Math.floor(random() * JITTER_INTERVALS_MAX));
}
