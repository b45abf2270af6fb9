import { keyPartition } from "../broker/partitioner.ts";
import { RivuletError } from "../core/errors.ts";
import type { ChangelogWrite, InputRecord, OutputRecord, Task } from "./task-contract.ts";
import { compileTask } from "./topology/compile-task.ts";
import { DriverStore } from "./topology/driver-store.ts";
import { resolveSerdes, serde, type Serde, type Serdes } from "./topology/serde.ts";
import { type StoreView, storeView } from "./topology/store-view.ts";
import type { Topology } from "./topology/topology.ts";

/** A record read from an output topic, decoded. */
export interface TestRecord<K, V> {
  key: K | null;
  value: V | null;
  timestamp: number;
  partition: number;
  offset: number;
}

/** Options of the driver. */
export interface TopologyTestDriverOptions {
  /** Partitions of every topic, and so tasks (default 1). */
  partitions?: number;
  /** The wall clock at start, ms (default 0); records piped without a timestamp get it. */
  startTimeMs?: number;
}

/** Writes records into one input topic. */
export interface TestInputTopic<K, V> {
  /** Pipes one record (timestamp: the driver's wall clock unless given) and processes it and everything it causes. */
  pipe(key: K | null, value: V | null, timestamp?: number): void;
  /** Pipes several records, processed as one batch per partition. */
  pipeAll(records: readonly { key: K | null; value: V | null; timestamp?: number }[]): void;
}

/** Reads records written to one output topic, each once. */
export interface TestOutputTopic<K, V> {
  /** The records not read yet, in write order. */
  readRecords(): TestRecord<K, V>[];
  /** `{ key, value }` of the records not read yet. */
  readKeyValues(): { key: K | null; value: V | null }[];
  /** The values of the records not read yet. */
  readValues(): (V | null)[];
  readonly isEmpty: boolean;
}

/**
 * Runs a topology in memory, without a broker, for unit tests: pipe records into input
 * topics, read what it wrote to output topics, read its stores. Each partition has its own
 * compiled task, exactly as the runtime would run it; records written to a repartition topic
 * go to the task of their partition at once, so `selectKey` and `groupBy` behave as on a broker.
 *
 * @example
 * ```ts
 * const driver = new TopologyTestDriver(wordCount);
 * driver.input("lines").pipe(null, "the cat and the hat", 1_000);
 * driver.output<string, number>("word-counts").readKeyValues();   // [{ key: "the", value: 1 }, …]
 * driver.store<string, number>("counts").get("the");              // 2
 * ```
 */
export class TopologyTestDriver {
  readonly topology: Topology;
  readonly #partitions: number;
  readonly #tasks: Task[] = [];
  readonly #stores: Map<string, DriverStore>[] = [];
  readonly #offsets = new Map<string, number>();
  readonly #written = new Map<string, OutputRecord[]>();
  readonly #read = new Map<string, number>();
  readonly #changelog: ChangelogWrite[] = [];
  readonly #repartition: Set<string>;
  #now: number;
  #lateDropped = 0;

  /**
   * @param topology the topology to run
   * @param options partitions and start time
   */
  constructor(topology: Topology, options: TopologyTestDriverOptions = {}) {
    this.topology = topology;
    this.#partitions = options.partitions ?? 1;
    if (!Number.isInteger(this.#partitions) || this.#partitions < 1) throw new RivuletError("invalid_config", "partitions must be a positive integer");
    this.#now = options.startTimeMs ?? 0;
    this.#repartition = new Set(topology.repartitionTopics);
    for (let partition = 0; partition < this.#partitions; partition++) {
      const stores = new Map<string, DriverStore>();
      this.#stores.push(stores);
      this.#tasks.push(compileTask(topology, partition, (name) => {
        const store = new DriverStore(name);
        stores.set(name, store);
        return store;
      }, { partitionsOf: () => this.#partitions }));
    }
  }

  /** The wall clock, ms. */
  get now(): number {
    return this.#now;
  }

  /** Records dropped as late so far, over all tasks. */
  get lateDropped(): number {
    return this.#lateDropped;
  }

  /** Every store write so far, in order, as the runtime would log them to changelogs. */
  get changelog(): readonly ChangelogWrite[] {
    return this.#changelog;
  }

  /**
   * An input topic of the topology; serdes default to the ones its `stream`/`table` declared.
   *
   * @throws {RivuletError} `unknown_topic` when the topology does not read `topic`
   */
  input<K = string, V = string>(topic: string, serdes?: Serdes<K, V>): TestInputTopic<K, V> {
    const source = this.topology.graph.sources.get(topic);
    if (source === undefined || this.#repartition.has(topic)) throw new RivuletError("unknown_topic", `the topology does not read topic ${topic}`, { topic });
    const { key, value } = resolveSerdes(serdes, { key: source.keySerde as Serde<any>, value: source.valueSerde as Serde<any> }, "input");
    const encode = (k: K | null, v: V | null, timestamp: number | undefined): OutputRecord => ({
      topic,
      key: k === null ? null : key.serialize(k),
      value: v === null ? null : value.serialize(v),
      timestamp: timestamp ?? this.#now,
    });
    return {
      pipe: (k, v, timestamp) => this.#run([encode(k, v, timestamp)]),
      pipeAll: (records) => this.#run(records.map((r) => encode(r.key, r.value, r.timestamp))),
    };
  }

  /** An output topic; serdes default to the ones its first `to` declared, else string keys and JSON values. */
  output<K = unknown, V = unknown>(topic: string, serdes?: Serdes<K, V>): TestOutputTopic<K, V> {
    const declared = this.topology.graph.sinkSerdes.get(topic) ?? { key: serde.string, value: serde.json() };
    const { key, value } = resolveSerdes(serdes, declared, "output");
    const read = (): TestRecord<K, V>[] => {
      const written = this.#written.get(topic) ?? [];
      const from = this.#read.get(topic) ?? 0;
      this.#read.set(topic, written.length);
      return written.slice(from).map((r, i) => ({
        key: r.key === null ? null : (key.deserialize(r.key) as K),
        value: r.value === null ? null : (value.deserialize(r.value) as V),
        timestamp: r.timestamp,
        partition: r.partition ?? 0,
        offset: from + i,
      }));
    };
    const driver = this;
    return {
      readRecords: read,
      readKeyValues: () => read().map((r) => ({ key: r.key, value: r.value })),
      readValues: () => read().map((r) => r.value),
      get isEmpty() {
        return (driver.#written.get(topic)?.length ?? 0) <= (driver.#read.get(topic) ?? 0);
      },
    };
  }

  /** Moves the wall clock on by `ms` and ticks every task (expiring windows past retention). */
  advanceWallClock(ms: number): void {
    this.#now += ms;
    for (const task of this.#tasks) this.#collect(task.tick(this.#now), []);
  }

  /** A decoded view of store `name` over all tasks. @throws {RivuletError} `not_found` */
  store<K = unknown, V = unknown>(name: string): StoreView<K, V> {
    return storeView<K, V>(this.topology, name, this.#stores.map((stores) => stores.get(name)!).filter(Boolean));
  }

  /** Routes records to their partition's task, then repartition records likewise, until none is left. */
  #run(records: OutputRecord[]): void {
    let pending = records;
    while (pending.length > 0) {
      const batches = new Map<number, InputRecord[]>();
      for (const r of pending) {
        const partition = r.partition ?? (r.key === null ? 0 : keyPartition(r.key, this.#partitions));
        const id = `${r.topic}/${partition}`;
        const offset = this.#offsets.get(id) ?? 0;
        this.#offsets.set(id, offset + 1);
        let batch = batches.get(partition);
        if (batch === undefined) batches.set(partition, (batch = []));
        batch.push({ topic: r.topic, partition, offset, timestamp: r.timestamp, key: r.key, value: r.value });
      }
      const next: OutputRecord[] = [];
      for (const partition of [...batches.keys()].sort((a, b) => a - b)) this.#collect(this.#tasks[partition].process(batches.get(partition)!), next);
      pending = next;
    }
  }

  #collect(result: ReturnType<Task["process"]>, repartitioned: OutputRecord[]): void {
    this.#lateDropped += result.lateDropped;
    for (const write of result.changelog) this.#changelog.push(write);
    for (const r of result.outputs) {
      if (this.#repartition.has(r.topic)) {
        repartitioned.push(r);
        continue;
      }
      const partition = r.partition ?? (r.key === null ? 0 : keyPartition(r.key, this.#partitions));
      let written = this.#written.get(r.topic);
      if (written === undefined) this.#written.set(r.topic, (written = []));
      written.push({ ...r, partition });
    }
  }
}
