/**
 * Paces records for the latency scenarios: `total` records fall due at `ratePerS`, checked in
 * 1 ms ticks; each tick's due records go out as one send, with at most
 * {@link PACE_IN_FLIGHT_SENDS_MAX} sends outstanding (a send that is not answered holds the next
 * ones back, and their wait counts in their latency, as it would for a real producer).
 */

/** Ticks of the pacing loop, ms. */
export const PACE_TICK_MS = 1;
/** Sends in flight at once. */
export const PACE_IN_FLIGHT_SENDS_MAX = 4;

/**
 * Sends `total` records as they fall due.
 *
 * @param send sends records `first` … `first + count - 1`
 * @param onSend called with each send's issue and acknowledgement times (performance.now())
 * @param dueAt filled with the time each record fell due
 * @throws the first error a send rejected with, once the loop has stopped
 */
export async function pace(
  total: number,
  ratePerS: number,
  send: (first: number, count: number) => Promise<void>,
  onSend: (first: number, count: number, issuedAt: number, ackedAt: number) => void,
  dueAt: Float64Array,
): Promise<void> {
  let handed = 0;
  let sent = 0;
  let inFlight = 0;
  let failure: unknown = null;
  const started = performance.now();
  while (sent < total && failure === null) {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - started) * ratePerS) / 1000));
    for (; handed < due; handed++) dueAt[handed] = now;
    if (handed > sent && inFlight < PACE_IN_FLIGHT_SENDS_MAX) {
      const first = sent;
      const count = handed - sent;
      sent = handed;
      inFlight++;
      const issuedAt = performance.now();
      send(first, count).then(() => {
        inFlight--;
        onSend(first, count, issuedAt, performance.now());
      }, (error: unknown) => (failure = error));
    }
    await new Promise((resolve) => setTimeout(resolve, PACE_TICK_MS));
  }
  if (failure !== null) throw failure;
}
