/**
 * What the runtime needs of a topology module's default export. `topology(appId, build)` of the
 * DSL (processors/topology/) returns such an object, and its tasks are made by
 * `compileTask(topology, partition, openStore)`. A hand-written module may instead carry its
 * own `createTask` (tests and users who write tasks against processors/task-contract.ts).
 *
 * The module is imported by every pool worker (closures cannot cross threads) and by the main
 * thread (for the names of its topics and stores, and to encode interactive queries).
 */
import { RivuletError } from "../../core/errors.ts";
import type { KeyValueStore, Task } from "../task-contract.ts";
import type { StoreOptions } from "../state/task-stores.ts";

/** A store the topology declares. */
export interface StoreDeclaration {
  name: string;
  options: StoreOptions;
}

/** Opens a task's store by name. */
export type OpenStore = (name: string, options: StoreOptions) => KeyValueStore;

/** The runnable shape of a topology. */
export interface RunnableTopology {
  /** The application id: the consumer group id and the prefix of internal topics. */
  readonly appId: string;
  /** Input topics, repartition topics included. */
  readonly sources: readonly string[];
  /** Output topics (`to`). */
  readonly sinks: readonly string[];
  readonly stores: readonly StoreDeclaration[];
  /** Internal repartition topics (`<app>-<name>-repartition`), created by the runtime. */
  readonly repartitionTopics: readonly string[];
  /** Groups of topics that must have equal partition counts. */
  readonly copartitionGroups: readonly (readonly string[])[];
  /** A hand-written task factory; without it the DSL's compileTask builds the task. */
  createTask?(partition: number, openStore: OpenStore): Task;
  /**
   * Encodes an interactive query's key for a store: the bytes the input was partitioned by and
   * the key inside the store (for windowed stores, with the window start). Without it a key is
   * its UTF-8 bytes (or the bytes given), and a windowed store key is those bytes followed by
   * the window start as an 8-byte big-endian integer.
   */
  storeQuery?(store: string, key: unknown, windowStart?: number): { partitionKey: Uint8Array; storeKey: Uint8Array };
  /** Decodes a stored value for a query answer; without it the raw bytes are returned. */
  decodeStoreValue?(store: string, value: Uint8Array): unknown;
  /** A DSL topology's processor graph (processors/topology/): its stores' key serdes are read for queries. */
  readonly graph?: { readonly storeInfo: ReadonlyMap<string, { keySerde: { serialize(value: any): Uint8Array } }> };
}

/**
 * Checks a module's default export.
 *
 * @throws {RivuletError} `invalid_topology` naming what is missing
 */
export function asRunnableTopology(value: unknown, moduleUrl: string): RunnableTopology {
  const t = value as Partial<RunnableTopology> | null | undefined;
  const fail = (what: string) => new RivuletError("invalid_topology", `${moduleUrl}: its default export ${what}; export default topology(appId, build)`, { module: moduleUrl });
  if (t === null || typeof t !== "object") throw fail("is not a topology");
  if (typeof t.appId !== "string" || t.appId === "") throw fail("has no appId");
  const strings = (v: unknown) => Array.isArray(v) && v.every((s) => typeof s === "string");
  if (!strings(t.sources) || t.sources!.length === 0) throw fail("has no sources");
  if (!strings(t.sinks)) throw fail("has no sinks list");
  if (!strings(t.repartitionTopics)) throw fail("has no repartitionTopics list");
  if (!Array.isArray(t.copartitionGroups) || !t.copartitionGroups.every(strings)) throw fail("has no copartitionGroups list");
  if (!Array.isArray(t.stores) || !t.stores.every((s) => s && typeof s.name === "string")) throw fail("has no stores list");
  return t as RunnableTopology;
}

/** The changelog topic of an app's store. */
export function changelogTopic(appId: string, store: string): string {
  return `${appId}-${store}-changelog`;
}

/** The bytes of an interactive query's key (see {@link RunnableTopology.storeQuery}). */
export function queryKeys(topology: RunnableTopology, store: StoreDeclaration, key: unknown, windowStart?: number): { partitionKey: Uint8Array; storeKey: Uint8Array } {
  if (topology.storeQuery) return topology.storeQuery(store.name, key, windowStart);
  const partitionKey = key instanceof Uint8Array ? key : new TextEncoder().encode(String(key));
  if (!store.options.windowed) return { partitionKey, storeKey: partitionKey };
  if (windowStart === undefined) throw new RivuletError("invalid_request", `store "${store.name}" is windowed: a query needs windowStart`, { store: store.name });
  const storeKey = new Uint8Array(partitionKey.length + 8);
  storeKey.set(partitionKey);
  new DataView(storeKey.buffer).setBigInt64(partitionKey.length, BigInt(windowStart));
  return { partitionKey, storeKey };
}
