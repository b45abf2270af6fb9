/**
 * Stream processing (`rivulet/streams`): topologies written in TypeScript, in the line of Kafka
 * Streams. A topology module's default export is `topology(appId, build)`; the runtime runs it
 * on a worker pool (`broker.processors.start`, `rivulet process`); `TopologyTestDriver` runs it
 * in memory for unit tests.
 *
 * ```ts
 * import { topology, windows, serde } from "rivulet/streams";
 * export default topology("payments-app", (t) => {
 *   const payments = t.stream("payments", { key: serde.string, value: serde.json<{ amount: number }>() });
 *   payments.groupByKey()
 *     .windowedBy(windows.tumbling("1m", { grace: "10s" }))
 *     .aggregate(() => ({ n: 0, sum: 0 }), (_k, p, a) => ({ n: a.n + 1, sum: a.sum + p.amount }), { store: "per-minute" })
 *     .toStream({ emit: "final" })
 *     .to("payments-per-minute");
 * });
 * ```
 *
 * @module
 */
export { topology, type Topology } from "./topology/topology.ts";
export { StreamsBuilder, type TableOptions } from "./topology/streams-builder.ts";
export { KStream, type KeyValue, type StreamJoinOptions } from "./topology/kstream.ts";
export { KTable } from "./topology/ktable.ts";
export { KGroupedStream, type AggregateOptions } from "./topology/kgrouped-stream.ts";
export { WindowedKStream, type WindowedAggregateOptions } from "./topology/windowed-kstream.ts";
export { WindowedKTable, type EmitOptions } from "./topology/windowed-ktable.ts";
export type { Windowed } from "./topology/windowed.ts";
export { windows, type TimeWindows, type SessionWindows, type JoinWindows, type GraceOptions } from "./topology/windows.ts";
export { serde, type Serde, type Serdes } from "./topology/serde.ts";
export type { Duration } from "./topology/duration.ts";
export type { StoreOptions, StoreSpec } from "./topology/store-options.ts";
export { compileTask, type CompileOptions } from "./topology/compile-task.ts";
export { storeView, type StoreView, type WindowEntry } from "./topology/store-view.ts";
export { TopologyTestDriver, type TopologyTestDriverOptions, type TestInputTopic, type TestOutputTopic, type TestRecord } from "./topology-test-driver.ts";
export type { InputRecord, OutputRecord, ChangelogWrite, TaskResult, KeyValueStore, Task } from "./task-contract.ts";
