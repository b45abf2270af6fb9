import type { KeyValueStore } from "../task-contract.ts";
import { serde } from "./serde.ts";
import type { StoreInfo } from "./store-info.ts";
import { readU64 } from "./store-keys.ts";

/**
 * A task's stream time, kept in the internal store `__stream-time` (one key) by topologies
 * with windows or stream–stream joins, so a restored task resumes with the stream time it had:
 * records that were late before a crash are late after it, and results equal an uninterrupted
 * run's. It is written once per `process` call that advanced it, in the same `TaskResult` as the
 * outputs and store writes that call made (under exactly-once, one transaction).
 *
 *   key   "t"
 *   value u64 stream time, ms (big-endian)
 */
export const streamTimeStore = "__stream-time";
const key = new Uint8Array([0x74]);

/** The store's description (user store names may not start with "__"). */
export function streamTimeStoreInfo(): StoreInfo {
  return { name: streamTimeStore, kind: "kv", keySerde: serde.string, valueSerde: serde.bytes, options: {} };
}

/** The stream time a restored store holds, or -Infinity for a new task. */
export function readStreamTime(store: KeyValueStore): number {
  const value = store.get(key);
  return value === undefined || value.length !== 8 ? -Infinity : readU64(value, 0);
}

/** The key and value to write for `streamTime` (≥ 0). */
export function streamTimeEntry(streamTime: number): [Uint8Array, Uint8Array] {
  const value = new Uint8Array(8);
  const hi = Math.floor(streamTime / 4_294_967_296);
  const lo = streamTime - hi * 4_294_967_296;
  const view = new DataView(value.buffer);
  view.setUint32(0, hi);
  view.setUint32(4, lo);
  return [key, value];
}
