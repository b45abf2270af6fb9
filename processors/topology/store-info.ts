import type { Serde } from "./serde.ts";
import type { StoreOptions } from "./store-options.ts";

/**
 * What the topology knows of one store: its layout (processors/topology/store-keys.ts) and the
 * serdes of its keys and values, so stores can be read back (`storeView`) by the test driver,
 * interactive queries and HTTP routes.
 *
 * - `kv`: key bytes → value bytes (tables, non-windowed aggregates)
 * - `window`: window key → window value, windows of `sizeMs`
 * - `session`: session key → window value
 * - `join`: join key → value bytes (one side's buffer of a stream–stream join)
 */
export interface StoreInfo {
  name: string;
  kind: "kv" | "window" | "session" | "join";
  keySerde: Serde<any>;
  valueSerde: Serde<any>;
  /** Window size (kind `window`). */
  sizeMs?: number;
  options: StoreOptions;
}
