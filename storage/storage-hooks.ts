/**
 * Observation and fault-injection points of the storage engine, for tests and metrics: count
 * bytes read per file (to prove start-up reads only the tail), count fdatasyncs (to prove group
 * commit), or fail a write after its bytes landed (to prove a failed append leaves no trace).
 * Every hook is optional; the engine calls them synchronously.
 */
export interface StorageHooks {
  /** After `bytes` were read from `file`. */
  onRead?(file: string, bytes: number): void;
  /** After `file` was fdatasynced. */
  onSync?(file: string): void;
  /** After `bytes` were written to `file`; throwing here makes the write fail. */
  afterWrite?(file: string, bytes: number): void;
  /**
   * After each durable step of `Log.truncateTo`: the marker is written (`marker`), the segments
   * are cut (`segments`), the epoch cache is truncated (`epochs`). Crash tests stop the process
   * here; throwing makes the truncation fail at that point.
   */
  onTruncationStep?(step: "marker" | "segments" | "epochs"): void;
}
