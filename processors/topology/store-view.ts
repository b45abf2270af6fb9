import { RivuletError } from "../../core/errors.ts";
import type { KeyValueStore } from "../task-contract.ts";
import type { StoreInfo } from "./store-info.ts";
import { keyAndTime, readU64, recordKeyOf, timeMax, timesAt, windowValueHeader } from "./store-keys.ts";
import type { Topology } from "./topology.ts";

/** One window of a windowed store, decoded. */
export interface WindowEntry<K, V> {
  key: K;
  window_start: number;
  window_end: number;
  value: V;
}

/**
 * Reads a topology's store in its users' terms (decoded keys and values) over the byte stores
 * of one or more tasks (a key lives in one task's store; queries look in each). Used by the
 * test driver, by interactive queries (`app.store(name).get(key, { windowStart })`) and by the
 * HTTP route `GET /v1/processors/{app}/stores/{store}/keys/{key}?window_start=`.
 */
export interface StoreView<K, V> {
  readonly name: string;
  /** Whether keys carry windows (`get` then wants `windowStart`). */
  readonly windowed: boolean;
  /**
   * The value of `key` (of the window starting at `windowStart`, for windowed stores), or
   * undefined when absent.
   *
   * @throws {RivuletError} `invalid_request` when a windowed store is asked without `windowStart`
   */
  get(key: K, options?: { windowStart?: number }): V | undefined;
  /** A windowed store's windows of `key`, oldest first. */
  windows(key: K): WindowEntry<K, V>[];
  /** Every entry, decoded: `[key, value]` for plain stores, windows for windowed ones (join buffers: `[key, value]` per buffered record). */
  all(): ([K, V] | WindowEntry<K, V>)[];
}

/**
 * A view of the store `name` of `topology` over `stores` (that store, one per task).
 *
 * @throws {RivuletError} `not_found` when the topology has no such store
 * @example
 * ```ts
 * const view = storeView<string, { n: number }>(app, "per-minute", [storeOfTask0, storeOfTask1]);
 * view.get("alice", { windowStart: 1_700_000_040_000 });   // { n: 3 } or undefined
 * ```
 */
export function storeView<K = unknown, V = unknown>(topology: Topology, name: string, stores: readonly KeyValueStore[]): StoreView<K, V> {
  const info = topology.graph.storeInfo.get(name);
  if (info === undefined) throw new RivuletError("not_found", `app ${topology.appId} has no store ${JSON.stringify(name.slice(0, 200))}`, { store: name.slice(0, 200) });
  const windowed = info.kind === "window" || info.kind === "session";
  return {
    name,
    windowed,
    get(key, options = {}) {
      const keyBytes = info.keySerde.serialize(key);
      if (!windowed) return first(stores, (s) => s.get(keyBytes), (v) => info.valueSerde.deserialize(v));
      if (options.windowStart === undefined) throw new RivuletError("invalid_request", `store ${name} is windowed: give window_start`, { store: name });
      const windowStart = options.windowStart;
      if (info.kind === "window") {
        return first(stores, (s) => s.get(keyAndTime(keyBytes, windowStart)), (v) => info.valueSerde.deserialize(v.subarray(windowValueHeader)));
      }
      const found = windowsOf(info, stores, keyBytes).find((w) => w.window_start === windowStart);
      return found?.value as V | undefined;
    },
    windows(key) {
      if (!windowed) return [];
      return windowsOf(info, stores, info.keySerde.serialize(key)) as WindowEntry<K, V>[];
    },
    all() {
      const out: ([K, V] | WindowEntry<K, V>)[] = [];
      for (const store of stores) {
        for (const [storeKey, value] of store.range()) {
          if (windowed) out.push(decodeWindow(info, storeKey, value) as WindowEntry<K, V>);
          else if (info.kind === "join") out.push([info.keySerde.deserialize(recordKeyOf(storeKey)), info.valueSerde.deserialize(value.subarray(1))]);
          else out.push([info.keySerde.deserialize(storeKey), info.valueSerde.deserialize(value)]);
        }
      }
      return out;
    },
  };
}

function first<T>(stores: readonly KeyValueStore[], get: (s: KeyValueStore) => Uint8Array | undefined, decode: (bytes: Uint8Array) => T): T | undefined {
  for (const store of stores) {
    const bytes = get(store);
    if (bytes !== undefined) return decode(bytes);
  }
  return undefined;
}

function windowsOf(info: StoreInfo, stores: readonly KeyValueStore[], keyBytes: Uint8Array): WindowEntry<unknown, unknown>[] {
  const out: WindowEntry<unknown, unknown>[] = [];
  for (const store of stores) {
    for (const [storeKey, value] of store.range(keyAndTime(keyBytes, 0), keyAndTime(keyBytes, timeMax))) out.push(decodeWindow(info, storeKey, value));
  }
  return out.sort((a, b) => a.window_start - b.window_start);
}

function decodeWindow(info: StoreInfo, storeKey: Uint8Array, value: Uint8Array): WindowEntry<unknown, unknown> {
  const at = timesAt(storeKey);
  const first = readU64(storeKey, at);
  const key = info.keySerde.deserialize(recordKeyOf(storeKey));
  const aggregate = info.valueSerde.deserialize(value.subarray(windowValueHeader));
  if (info.kind === "window") return { key, window_start: first, window_end: first + info.sizeMs!, value: aggregate };
  return { key, window_start: readU64(storeKey, at + 8), window_end: first, value: aggregate };
}
