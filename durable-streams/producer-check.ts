/**
 * Idempotent producers, the protocol's rules (PROTOCOL.md §5.2.1) over the log's Kafka rules.
 *
 * The protocol decides: a producer the stream does not know must start at seq 0 (else 409 with
 * expected 0); a lower epoch is fenced (403); a higher epoch must start at seq 0 (else 400);
 * within an epoch any seq at or below the last accepted one is a duplicate (204, whatever its
 * age), the next one is accepted, and a gap is 409.
 *
 * The log then enforces Kafka's rules on the batch as a second, atomic line: each Producer-Id is
 * mapped to a broker-allocated numeric producer id, and the protocol's epoch and seq become the
 * batch's producerEpoch and baseSequence relative to bases kept in the mapping. Kafka's fields
 * are 16-bit (epoch) and 31-bit (sequence) while the protocol allows up to 2^53-1, so when a value
 * does not fit, the producer is moved to a fresh numeric id whose bases are the current epoch and
 * seq (the log starts it at epoch 0, sequence 0); the protocol state above stays continuous.
 */
import type { ProducerMapping } from "./stream-meta.ts";

/** The protocol's producer state on one stream. */
export interface ProducerProgress {
  epoch: number;
  /** The last accepted seq in `epoch`. */
  lastSeq: number;
}

/** What the protocol says about one append. */
export type ProducerVerdict =
  | { kind: "accept" }
  | { kind: "duplicate"; lastSeq: number }
  | { kind: "stale_epoch"; currentEpoch: number }
  | { kind: "new_epoch_seq"; }
  | { kind: "gap"; expected: number };

/** Largest batch epoch (int16) and base sequence (int32, minus one so the log never wraps). */
export const BATCH_EPOCH_MAX = 0x7fff;
export const BATCH_SEQUENCE_MAX = 0x7ffffffe;

/**
 * Applies the protocol's rules.
 *
 * @param known the producer's state on this stream, if any
 * @param epoch the request's Producer-Epoch
 * @param seq the request's Producer-Seq
 * @returns the verdict
 * @example
 * ```ts
 * checkProducer({ epoch: 0, lastSeq: 2 }, 0, 1); // { kind: "duplicate", lastSeq: 2 }
 * ```
 */
export function checkProducer(known: ProducerProgress | undefined, epoch: number, seq: number): ProducerVerdict {
  if (!known) return seq === 0 ? { kind: "accept" } : { kind: "gap", expected: 0 };
  if (epoch < known.epoch) return { kind: "stale_epoch", currentEpoch: known.epoch };
  if (epoch > known.epoch) return seq === 0 ? { kind: "accept" } : { kind: "new_epoch_seq" };
  if (seq <= known.lastSeq) return { kind: "duplicate", lastSeq: known.lastSeq };
  if (seq === known.lastSeq + 1) return { kind: "accept" };
  return { kind: "gap", expected: known.lastSeq + 1 };
}

/** The batch fields for an accepted append, and whether the mapping must change first. */
export interface BatchProducer {
  mapping: ProducerMapping;
  /** True when `mapping` is new (needs a fresh numeric id and must be persisted before use). */
  remap: boolean;
  producerEpoch: number;
  baseSequence: number;
}

/**
 * The batch's producer fields for an accepted (epoch, seq).
 *
 * @param mapping the Producer-Id's current mapping, if any
 * @param epoch accepted protocol epoch
 * @param seq accepted protocol seq
 * @returns the fields; with `remap`, `mapping.id` is a placeholder to replace by a new id
 */
export function batchProducer(mapping: ProducerMapping | undefined, epoch: number, seq: number): BatchProducer {
  if (mapping) {
    const producerEpoch = epoch - mapping.epochBase;
    const baseSequence = seq - mapping.seqBase;
    if (producerEpoch >= 0 && producerEpoch <= BATCH_EPOCH_MAX && baseSequence >= 0 && baseSequence <= BATCH_SEQUENCE_MAX) {
      return { mapping, remap: false, producerEpoch, baseSequence };
    }
  }
  return { mapping: { id: -1, epochBase: epoch, seqBase: seq }, remap: true, producerEpoch: 0, baseSequence: 0 };
}
