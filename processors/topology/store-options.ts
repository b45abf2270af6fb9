/**
 * How the runtime should open one of a topology's stores (`Topology.stores`). Every store is
 * an ordered byte-key store (`KeyValueStore` of processors/task-contract.ts) with a changelog
 * topic `<app>-<store>-changelog`.
 */
export interface StoreOptions {
  /** Keys carry a time (windows, sessions, join buffers); entries expire after `retentionMs`. */
  windowed?: boolean;
  /** How long a closed window (or a join buffer entry) stays, in ms of stream time. */
  retentionMs?: number;
  /** The store's memory limit, when the topology names one (else the runtime's default). */
  memoryLimitBytes?: number;
}

/** A store of the topology, as the runtime sees it. */
export interface StoreSpec {
  name: string;
  options: StoreOptions;
}

/** Windowed stores keep closed windows this long unless `retention` says otherwise: 1 day. */
export const defaultRetentionMs = 86_400_000;
