/**
 * The public `Broker`: the broker facade (broker/broker.ts) with the group coordinator wired in.
 * The composition sits here, on the groups floor, because the coordinator keeps its committed
 * offsets in the internal `__consumer_offsets` topic through the broker's own producer and fetch,
 * so groups/ is above broker/ and broker/ cannot build it.
 */
import { BrokerCore, type BrokerOptions, type GroupsFactory } from "../broker/broker.ts";
import { GroupCoordinator } from "./group-coordinator.ts";
import { OffsetLog, OFFSETS_TOPIC } from "./offset-log.ts";
import { RivuletError } from "../core/errors.ts";
import type { ProcessorsApi } from "../broker/processors-api.ts";

/** Makes a broker's `processors`; registered by processors/ when it is loaded. */
let processorsOf: ((broker: Broker) => ProcessorsApi) | null = null;

/**
 * Registers stream processing (processors/broker-processors.ts calls it when loaded, and mod.ts
 * loads that): processors/ sits floors above this class, so it plugs in rather than being imported.
 *
 * @param factory returns a broker's registry of apps (the same one on every call)
 */
export function installProcessors(factory: (broker: Broker) => ProcessorsApi): void {
  processorsOf = factory;
}

/**
 * The group coordinator over a broker, offsets in the compacted `__consumer_offsets` topic.
 * Exported for the composition above (transactions/broker.ts), which wraps it.
 */
export const consumerGroups: GroupsFactory = {
  topics: [{ name: OFFSETS_TOPIC, config: { "cleanup.policy": "compact" } }],
  create: ({ broker, producer, partitionsOf, clock, limits }) =>
    new GroupCoordinator({ offsetStore: new OffsetLog(broker, producer), partitionsOf, clock, limits }),
};

/**
 * A Rivulet broker in this process.
 *
 * @example
 * ```ts
 * const broker = await Broker.open({ dataDir: "./data" });
 * await broker.createTopic("payments", { partitions: 4 });
 * const { partition, offset } = await broker.producer().send("payments", { key: "alice", value: "paid 200 to bob" });
 * await broker.close();
 * ```
 */
export class Broker extends BrokerCore {
  /**
   * Starts the supervisor, which boots the partition workers (each recovers its log), and the
   * group coordinator. Resolves without waiting for the workers or the committed offsets:
   * requests wait for the partition or the offsets they need.
   */
  static async open(options: BrokerOptions): Promise<Broker> {
    const { limits, supervisor } = await BrokerCore.startSupervisor(options);
    const broker = new Broker(options, limits, supervisor, consumerGroups);
    await broker.startGroups();
    return broker;
  }

  /**
   * The stream-processing apps running on this broker (DESIGN §13).
   *
   * @throws {RivuletError} `not_supported` when stream processing was not loaded (import `rivulet`, whose mod.ts loads it)
   * @example
   * ```ts
   * const app = await broker.processors.start(new URL("./my-app.ts", import.meta.url), { workers: 2 });
   * ```
   */
  get processors(): ProcessorsApi {
    if (!processorsOf) throw new RivuletError("not_supported", "stream processing is not loaded: import it from rivulet (mod.ts) or processors/broker-processors.ts");
    return processorsOf(this);
  }
}

export type { BrokerOptions };
