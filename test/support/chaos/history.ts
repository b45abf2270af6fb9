/**
 * The history of a chaos run: every operation the workload's clients did, every fault the
 * harness injected, and a final read of every replica. One entry per JSON line in the history
 * file (see `history-file.ts`); the checker (`history-checker.ts`) is a pure function over it.
 *
 * Values are unique across the run (`<client>-<n>`), so a value names one send.
 */

/**
 * A send, recorded when it completed. `ok`: acknowledged at `partition`/`offset`. `fail`: refused
 * definitively (the broker answered that it did not write it). `info`: the outcome is unknown
 * (a time-out, a connection lost in flight): it may or may not be in the log.
 */
export interface SendOp {
  type: "send";
  /** The producer, e.g. `kafkajs-0` or `http-1`. One producer has one send in flight at a time. */
  producer: string;
  value: string;
  /** The partition asked for (always given by the workload). */
  partition: number;
  status: "ok" | "fail" | "info";
  /** The acknowledged offset (`ok` only). */
  offset?: number;
  /** When the send was invoked and when it completed, ms since the epoch. */
  invokedAt: number;
  at: number;
  /** Why it failed (`fail`, `info`). */
  error?: string;
}

/** One record a consumer received, in the order it received them. */
export interface PollOp {
  type: "poll";
  consumer: string;
  partition: number;
  offset: number;
  value: string;
  at: number;
}

/**
 * A consumer's position may legitimately move anywhere: it joined a group generation (a
 * rebalance) or sought. The checker starts its per-consumer order afresh after one.
 */
export interface ResetOp {
  type: "reset";
  consumer: string;
  reason: string;
  at: number;
}

/** A fault the harness injected (or healed), for the failover figures. */
export interface FaultOp {
  type: "fault";
  kind: string;
  /** What it hit, e.g. `broker 2` or `127.0.0.1 <-> 127.0.0.2`. */
  target: string;
  at: number;
}

/**
 * One replica's copy of one partition after the run: every record below `highWatermark`
 * (offsets ascending; offsets may have gaps).
 */
export interface FinalReadOp {
  type: "final";
  replica: string;
  partition: number;
  highWatermark: number;
  records: Array<{ offset: number; value: string }>;
}

export type HistoryOp = SendOp | PollOp | ResetOp | FaultOp | FinalReadOp;
