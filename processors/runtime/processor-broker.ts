/**
 * What the stream-processing runtime uses of a broker: the public `Broker` (groups/broker.ts)
 * provides all of it. Named here so processors/ states its needs in one place.
 */
import type { Limits } from "../../core/limits.ts";
import type { Consumer, ConsumerOptions } from "../../broker/consumer.ts";
import type { Producer, ProducerOptions } from "../../broker/producer.ts";
import type { BrokerApi } from "../../broker/types.ts";

/** A broker the runtime can run an app on. */
export interface ProcessorBroker extends BrokerApi {
  readonly limits: Limits;
  /** Where the broker keeps its data; snapshots go under `<dataDir>/processor-state/`. */
  readonly dataDir: string;
  producer(options?: ProducerOptions): Producer;
  consumer(options?: ConsumerOptions): Consumer;
}
