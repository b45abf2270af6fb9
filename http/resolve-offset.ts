import type { BrokerApi } from "../broker/types.ts";
import type { OffsetParam } from "./params.ts";

/**
 * Turns `earliest` / `latest` into a number with {@link BrokerApi.listOffset}; numbers pass.
 *
 * @throws {RivuletError} `unknown_topic`, `unknown_partition` from the broker
 */
export async function resolveOffset(broker: BrokerApi, topic: string, partition: number, offset: OffsetParam): Promise<number> {
  return typeof offset === "number" ? offset : await broker.listOffset(topic, partition, offset);
}
