/**
 * Interactive queries, in two halves: the main thread finds the task holding a key (the
 * partition of the key's bytes, as the producer's partitioner placed its input), and that
 * task's pool worker reads and decodes the value from the task's store.
 *
 * A DSL topology is read through the DSL's `storeView` (its key serde, window layouts and value
 * serde). A hand-written topology may give `storeQuery` / `decodeStoreValue`; without them a
 * key is its UTF-8 bytes (or the bytes given) and the value is returned as bytes.
 */
import { keyPartition } from "../../broker/partitioner.ts";
import { RivuletError } from "../../core/errors.ts";
import type { KeyValueStore } from "../task-contract.ts";
import { readDslStore } from "./dsl.ts";
import { queryKeys, type RunnableTopology } from "./runnable-topology.ts";

/** The task (partition number) holding `key` of store `name`. */
export function queryPartition(topology: RunnableTopology, name: string, key: unknown, tasks: number): number {
  const declared = topology.stores.find((s) => s.name === name);
  if (!declared) throw new RivuletError("not_found", `app ${topology.appId} has no store ${JSON.stringify(name.slice(0, 200))}`, { app: topology.appId, store: name.slice(0, 200) });
  const keySerde = topology.graph?.storeInfo.get(name)?.keySerde;
  const bytes = keySerde ? keySerde.serialize(key) : queryKeys(topology, declared, key, 0).partitionKey;
  return keyPartition(bytes, tasks);
}

/**
 * Reads `key` (of the window starting at `windowStart`) from a task's store, decoded.
 *
 * @returns the value, or undefined when absent
 * @throws {RivuletError} `invalid_request` for a windowed store asked without `windowStart`
 */
export function queryStore(topology: RunnableTopology, store: KeyValueStore, key: unknown, windowStart: number | undefined): unknown {
  if (topology.graph) return readDslStore(topology, store, key, windowStart);
  const declared = topology.stores.find((s) => s.name === store.name)!;
  const value = store.get(queryKeys(topology, declared, key, windowStart).storeKey);
  if (value === undefined) return undefined;
  return topology.decodeStoreValue ? topology.decodeStoreValue(store.name, value) : value.slice();
}
