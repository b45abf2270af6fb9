/** JSON Schemas of the API's bodies, shared by the route declarations. */
import type { JsonSchema } from "./route-spec.ts";

const integer = (description: string, minimum = 0): JsonSchema => ({ type: "integer", minimum, description });
const string = (description: string): JsonSchema => ({ type: "string", description });

/** An RFC 9457 problem with Rivulet's `code` and `retriable`. */
export const problemSchema: JsonSchema = {
  type: "object",
  required: ["type", "title", "status", "detail", "code", "retriable"],
  properties: {
    type: string("URI naming the problem type"),
    title: string("Short summary of the problem type"),
    status: integer("HTTP status", 100),
    detail: string("What went wrong with this request"),
    code: string("Stable error code (invalid_request, unknown_topic, record_too_large, …)"),
    retriable: { type: "boolean", description: "Whether the same request may succeed later" },
    details: { type: "object", description: "Structured facts (topic, partition, limit, index, …)" },
  },
};

/** Header values: a string, null, or raw bytes as `{"b64": "..."}`. */
const headerValue: JsonSchema = { oneOf: [{ type: "string" }, { type: "null" }, { type: "object", properties: { b64: { type: "string" } }, required: ["b64"] }] };

/** Record headers: name → value, or `[name, value]` pairs where names repeat. */
export const headersSchema: JsonSchema = {
  oneOf: [
    { type: "object", additionalProperties: headerValue },
    { type: "array", items: { type: "array", prefixItems: [{ type: "string" }, headerValue], minItems: 2, maxItems: 2 } },
  ],
};

/** A record to produce. */
export const produceRecordSchema: JsonSchema = {
  type: "object",
  properties: {
    key: { type: ["string", "null"], description: "UTF-8 key (CBOR: byte string)" },
    key_b64: string("Raw key bytes, base64"),
    value: { description: "Any JSON value, stored as its UTF-8 JSON text; null is a tombstone (CBOR: byte string)" },
    value_b64: string("Raw value bytes, base64"),
    headers: headersSchema,
    partition: integer("Explicit partition (else murmur2 of the key, as Kafka)"),
    timestamp: integer("CreateTime, ms since the epoch"),
  },
};

/** The produce request. */
export const produceRequestSchema: JsonSchema = {
  type: "object",
  required: ["records"],
  properties: { records: { type: "array", minItems: 1, items: produceRecordSchema } },
};

/** Where a produced record landed. */
export const produceResponseSchema: JsonSchema = {
  type: "object",
  properties: {
    offsets: { type: "array", description: "In request order", items: { type: "object", properties: { partition: integer("Partition"), offset: integer("Offset") } } },
  },
};

/** A consumed record. */
export const recordSchema: JsonSchema = {
  type: "object",
  properties: {
    topic: string("Topic (group polls only)"),
    partition: integer("Partition (group polls only)"),
    offset: integer("Offset"),
    timestamp: integer("Timestamp, ms"),
    key: { type: ["string", "null"], description: "Key as UTF-8 text (absent when key_b64 is given)" },
    key_b64: string("Key bytes, base64, when not UTF-8"),
    value: { description: "Value as JSON, when the stored bytes are UTF-8 JSON" },
    value_b64: string("Value bytes, base64, when not UTF-8 JSON"),
    headers: headersSchema,
  },
};

/** A fetch's answer. */
export const fetchResponseSchema: JsonSchema = {
  type: "object",
  properties: {
    records: { type: "array", items: recordSchema },
    next_offset: integer("Offset to fetch next"),
    high_watermark: integer("End of the acknowledged log"),
    last_stable_offset: integer("Below it every transaction is decided; read_committed fetches stop here"),
    log_start_offset: integer("Earliest readable offset"),
  },
};

/** A topic-partition. */
export const topicPartitionSchema: JsonSchema = {
  type: "object",
  properties: { topic: string("Topic"), partition: integer("Partition") },
};

/** A topic's description. */
export const topicSchema: JsonSchema = {
  type: "object",
  properties: {
    name: string("Topic name"),
    partitions: {
      type: "array",
      items: {
        type: "object",
        properties: {
          partition: integer("Partition"),
          start_offset: integer("Log start offset"),
          end_offset: integer("Log end offset"),
          worker: integer("Worker thread hosting the partition"),
          status: { enum: ["online", "restarting", "offline"] },
          size_bytes: integer("Bytes on disk"),
          leader: integer("In a cluster: the leader's broker id (-1: none)"),
          replicas: { type: "array", items: { type: "integer" }, description: "In a cluster: brokers holding a replica, the preferred leader first" },
          isr: { type: "array", items: { type: "integer" }, description: "In a cluster: the in-sync replicas" },
          leader_epoch: integer("In a cluster: the leader epoch"),
          adding_replicas: { type: "array", items: { type: "integer" }, description: "In a cluster, only while the partition moves: brokers joining (in replicas, catching up)" },
          removing_replicas: { type: "array", items: { type: "integer" }, description: "In a cluster, only while the partition moves: brokers leaving once the joining ones are in the ISR" },
        },
      },
    },
    config: { type: "object", description: "Topic config by Kafka name" },
  },
};

/** A consumer group member's view. */
export const membershipSchema: JsonSchema = {
  type: "object",
  properties: {
    member_id: string("Member id"),
    generation: integer("Group generation"),
    assignments: { type: "array", items: topicPartitionSchema },
  },
};

/** A group member's poll: records with topic and partition, and the membership. */
export const pollResponseSchema: JsonSchema = {
  type: "object",
  properties: {
    records: { type: "array", items: recordSchema },
    member_id: { type: "string" },
    generation: { type: "integer" },
    assignments: { type: "array", items: topicPartitionSchema },
  },
};

/** Path parameter: topic. */
export const topicParam = { name: "topic", in: "path", description: "Topic name ([a-zA-Z0-9._-]{1,249})", schema: { type: "string" } } as const;
/** Path parameter: partition. */
export const partitionParam = { name: "p", in: "path", description: "Partition number", schema: { type: "integer", minimum: 0 } } as const;
/** Path parameter: group. */
export const groupParam = { name: "group", in: "path", description: "Consumer group id", schema: { type: "string" } } as const;
/** Path parameter: member. */
export const memberParam = { name: "member", in: "path", description: "Member id from the join", schema: { type: "string" } } as const;
