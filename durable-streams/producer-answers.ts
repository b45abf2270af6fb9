/**
 * The answers of the idempotent-producer rules: headers of accepted and duplicate appends, and
 * the refusals (403 stale epoch, 400 new epoch not at seq 0, 409 sequence gap), including the
 * log's own refusals should the log know better than the stream's in-memory state.
 */
import { isRivuletError } from "../core/errors.ts";
import type { ProducerHeaders } from "./header-values.ts";
import type { ProducerVerdict } from "./producer-check.ts";
import { H } from "./protocol-headers.ts";
import { ProtocolError } from "./protocol-error.ts";
import type { ProducerMapping } from "./stream-meta.ts";

/** Producer-Epoch and Producer-Seq of a success (the seq is the highest accepted). */
export function producerHeaders(epoch: number, lastSeq: number): Record<string, string> {
  return { [H.producerEpoch]: String(epoch), [H.producerSeq]: String(lastSeq) };
}

/**
 * Throws the refusal for a verdict other than accept or duplicate.
 *
 * @throws {ProtocolError} 403, 400 or 409 as PROTOCOL.md §5.2.1 prescribes
 */
export function refuseProducer(verdict: ProducerVerdict, producer: ProducerHeaders): void {
  switch (verdict.kind) {
    case "accept":
    case "duplicate":
      return;
    case "stale_epoch":
      throw new ProtocolError(403, "stale_epoch", `producer epoch ${producer.epoch} is fenced by epoch ${verdict.currentEpoch}`, { [H.producerEpoch]: String(verdict.currentEpoch) });
    case "new_epoch_seq":
      throw new ProtocolError(400, "bad_epoch_seq", `a new epoch must start at Producer-Seq 0, got ${producer.seq}`);
    case "gap":
      throw new ProtocolError(409, "sequence_gap", `expected Producer-Seq ${verdict.expected}, got ${producer.seq}`, {
        [H.expectedSeq]: String(verdict.expected),
        [H.receivedSeq]: String(producer.seq),
      });
    default: {
      const never: never = verdict;
      throw new Error(`unknown producer verdict ${JSON.stringify(never)}`);
    }
  }
}

/**
 * Translates the log's refusal of a producer batch into the protocol's verdict, or null when
 * `error` is not one. The log's numbers are relative to the mapping's bases.
 */
export function verdictFromLog(error: unknown, mapping: ProducerMapping): ProducerVerdict | null {
  if (isRivuletError(error, "producer_fenced")) {
    return { kind: "stale_epoch", currentEpoch: mapping.epochBase + Number(error.info.currentEpoch ?? 0) };
  }
  if (isRivuletError(error, "out_of_order_sequence")) {
    const expected = mapping.seqBase + Number(error.info.expectedSequence ?? 0);
    const got = mapping.seqBase + Number(error.info.sequence ?? 0);
    if (Number(error.info.expectedSequence) === 0) return { kind: "new_epoch_seq" };
    return got < expected ? { kind: "duplicate", lastSeq: expected - 1 } : { kind: "gap", expected };
  }
  return null;
}
