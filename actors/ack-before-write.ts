/**
 * Fault injection, never for production: a "broken mode" in which a partition acknowledges an
 * append at once and writes it `RIVULET_DEBUG_ACK_BEFORE_WRITE` ms later. A kill -9 in that
 * window loses acknowledged records, as a power cut loses acknowledged records that were never
 * fsynced — which a kill -9 alone cannot show, the page cache outliving the process. The chaos
 * test turns it on to prove its checker sees loss (`test/cluster-chaos.test.ts`).
 *
 * Off by default. `Broker.open` refuses the variable unless fault injection is on
 * ({@link refuseAckBeforeWriteWithoutFaultInjection}), and a partition worker honours it only
 * when its worker was started with fault injection. Internal topics (`__…`) are left alone.
 * The offsets it answers are the ones the log will assign when the writes land in order; an
 * idempotent retry of a deferred batch is answered as a new one.
 */
import { workerData } from "node:worker_threads";
import { RivuletError } from "../core/errors.ts";
import { readBatchHeader } from "../record/batch-header.ts";
import type { AppendBatchResult } from "./partition-protocol.ts";

export const ackBeforeWriteVariable = "RIVULET_DEBUG_ACK_BEFORE_WRITE";

/** The delay asked for in the environment, ms, or null when the switch is off. */
function delayFromEnvironment(): number | null {
  const raw = process.env[ackBeforeWriteVariable];
  if (raw === undefined || raw === "" || raw === "0") return null;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 0 || ms > 60_000) throw new RivuletError("invalid_request", `${ackBeforeWriteVariable} takes a delay in ms from 1 to 60000`);
  return ms;
}

/**
 * Called once by `Broker.open`.
 *
 * @throws {RivuletError} `invalid_request` when the switch is set but fault injection is off
 */
export function refuseAckBeforeWriteWithoutFaultInjection(faultInjection: boolean): void {
  if (delayFromEnvironment() !== null && !faultInjection) {
    throw new RivuletError("invalid_request", `${ackBeforeWriteVariable} is a fault-injection switch: refused unless the broker is opened with faultInjection`);
  }
}

/** Records (offsets) in concatenated batches. */
function offsetsIn(batches: Uint8Array): number {
  let count = 0;
  for (let position = 0; position < batches.length; ) {
    const header = readBatchHeader(batches, position);
    count += header.lastOffsetDelta + 1;
    position += 12 + header.batchLength;
  }
  return count;
}

/** One partition's deferred writes. Not thread-safe: owned by the partition. */
export class AckBeforeWrite {
  readonly #delayMs: number;
  readonly #logEndOffset: () => number;
  readonly #logStartOffset: () => number;
  /** Offsets acknowledged and not yet written. */
  #pending = 0;

  private constructor(delayMs: number, log: { end: () => number; start: () => number }) {
    this.#delayMs = delayMs;
    this.#logEndOffset = log.end;
    this.#logStartOffset = log.start;
  }

  /** The switch for one partition, or null (off, no fault injection, or an internal topic). */
  static forPartition(topic: string, log: { end: () => number; start: () => number }): AckBeforeWrite | null {
    const faultInjection = (workerData as { data?: { faultInjection?: boolean } } | null)?.data?.faultInjection === true;
    const delayMs = faultInjection && !topic.startsWith("__") ? delayFromEnvironment() : null;
    return delayMs === null ? null : new AckBeforeWrite(delayMs, log);
  }

  /**
   * Answers now with the offsets `write` will get, and calls `write` later. A failed write is
   * dropped: the acknowledgement has gone already — that is the fault.
   *
   * @param records a block's record count, or the batches whose offsets to count
   */
  defer(records: number | Uint8Array, write: () => Promise<unknown>): Promise<AppendBatchResult> {
    const count = typeof records === "number" ? records : offsetsIn(records);
    const baseOffset = this.#logEndOffset() + this.#pending;
    this.#pending += count;
    setTimeout(() => {
      this.#pending -= count;
      write().catch(() => {});
    }, this.#delayMs);
    return Promise.resolve({ baseOffset, lastOffset: baseOffset + count - 1, logAppendTime: -1, logStartOffset: this.#logStartOffset() });
  }
}
