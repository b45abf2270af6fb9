/**
 * A windowed result, as windowed tables emit them: the record key, the window (ms since the
 * epoch; `window_end` exclusive for time windows, the last record's time for sessions) and the
 * aggregate, or `null` when an update removed the window (a session merged into another).
 */
export interface Windowed<K, A> {
  key: K;
  window_start: number;
  window_end: number;
  value: A | null;
}
