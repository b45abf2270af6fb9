/**
 * Consumed records in the CBOR shape: `key` and `value` byte strings (or null), `headers` an
 * array of `[name, bytes|null]` pairs, plus `topic` and `partition` when asked.
 */
import type { ConsumedRecord } from "../../broker/types.ts";

/** A record ready for the CBOR encoder. */
export interface CborRecord {
  topic?: string;
  partition?: number;
  offset: number;
  timestamp: number;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Array<[string, Uint8Array | null]>;
}

/**
 * Shapes records for a CBOR response.
 *
 * @param records consumed records
 * @param withTopic include `topic` and `partition` (group polls)
 * @returns plain objects for the CBOR encoder
 */
export function cborRecords(records: readonly ConsumedRecord[], withTopic = false): CborRecord[] {
  return records.map((r) => {
    const out: CborRecord = withTopic
      ? { topic: r.topic, partition: r.partition, offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers }
      : { offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers };
    return out;
  });
}
