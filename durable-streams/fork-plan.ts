/**
 * Forks (`Stream-Forked-From`). A fork shares its source's records up to the fork offset without
 * copying them: its metadata lists the source's ranges (the source's own topic and whatever the
 * source itself inherited), cut at the fork offset, and the fork's own records start there. With
 * `Stream-Fork-Sub-Offset`, the fork also takes the first bytes (JSON: messages) of the record
 * at the fork offset; that prefix is materialized as the fork's own first record.
 */
import type { BrokerApi } from "../broker/types.ts";
import { isJsonMode } from "./content-type.ts";
import { firstJsonMessages, jsonMessages } from "./json-body.ts";
import { ProtocolError } from "./protocol-error.ts";
import type { InheritedRange, StreamMeta } from "./stream-meta.ts";
import { walkStreamRecords } from "./stream-records.ts";
import type { StreamState } from "./stream-state.ts";

/**
 * The ranges a fork at stream offset `at` inherits from `source`.
 *
 * @param source the source's metadata
 * @param at the fork offset (at most the source's tail)
 * @returns ranges covering stream offsets [0, at)
 */
export function inheritedRanges(source: StreamMeta, at: number): InheritedRange[] {
  const ranges = source.inherited.filter((r) => r.from < at).map((r) => ({ ...r, to: Math.min(r.to, at) }));
  if (at > source.base) ranges.push({ topic: source.topic, from: source.base, to: at, delta: source.base });
  return ranges;
}

/**
 * The value of the record at stream offset `offset` of `source` (null for a close marker).
 *
 * @throws {ProtocolError} 400 when there is no record there
 */
export async function recordAt(broker: BrokerApi, source: StreamState, offset: number): Promise<Uint8Array | null> {
  const { meta } = source;
  const range = offset >= meta.base
    ? { topic: meta.topic, delta: meta.base }
    : meta.inherited.find((r) => offset >= r.from && offset < r.to);
  if (!range || offset >= source.tail) throw new ProtocolError(400, "bad_fork_offset", "no data at the fork offset to take a sub-offset of");
  const partitionOffset = offset - range.delta;
  const { batches } = await broker.fetchBatches(range.topic, 0, { offset: partitionOffset, maxBytes: 1 });
  let found: Uint8Array | null | undefined;
  walkStreamRecords(batches, partitionOffset, partitionOffset + 1, (at, value) => {
    if (at === partitionOffset) found = value;
    return false;
  });
  if (found === undefined) throw new ProtocolError(400, "bad_fork_offset", "no data at the fork offset to take a sub-offset of");
  return found;
}

/**
 * The materialized prefix of a sub-offset fork: the first `subOffset` bytes (JSON mode:
 * messages) of `value`.
 *
 * @throws {ProtocolError} 400 when `subOffset` overshoots the record
 */
export function subOffsetPrefix(value: Uint8Array | null, subOffset: number, contentType: string): Uint8Array {
  const overshoot = () => new ProtocolError(400, "bad_fork_sub_offset", "Stream-Fork-Sub-Offset overshoots the record at the fork offset");
  if (value === null) throw overshoot();
  if (isJsonMode(contentType)) {
    if (subOffset > jsonMessages(value).length) throw overshoot();
    return firstJsonMessages(value, subOffset);
  }
  if (subOffset > value.length) throw overshoot();
  return value.slice(0, subOffset);
}
