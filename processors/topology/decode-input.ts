import { RivuletError } from "../../core/errors.ts";
import type { InputRecord } from "../task-contract.ts";
import type { Serde } from "./serde.ts";

/**
 * Decodes an input record's key or value, turning a serde's failure (bad JSON, bad CBOR, …)
 * into a typed `invalid_record` error that names the record, so the runtime can report which
 * record of which partition cannot be read. Processing stops there, as Kafka Streams' default
 * (log and fail) does: skipping would silently lose input.
 *
 * @throws {RivuletError} `invalid_record` with `{ topic, partition, offset, part, serde }`
 */
export function decodeInput<T>(serde: { readonly name?: string; deserialize(bytes: Uint8Array): T }, bytes: Uint8Array, record: InputRecord, part: "key" | "value"): T {
  try {
    return serde.deserialize(bytes);
  } catch (error) {
    const serdeName = (serde as Serde<T>).name ?? "custom";
    throw new RivuletError("invalid_record", `${record.topic}/${record.partition} offset ${record.offset}: the ${part} cannot be read with serde ${serdeName}: ${error instanceof Error ? error.message.slice(0, 200) : "failed"}`, {
      topic: record.topic, partition: record.partition, offset: record.offset, part, serde: serdeName,
    });
  }
}
