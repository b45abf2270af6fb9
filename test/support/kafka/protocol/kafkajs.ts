/**
 * kafkajs's own protocol encoders and decoders, loaded from node_modules (CommonJS), as the
 * reference the golden tests compare Rivulet's codec with. Tests only.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const base = "kafkajs/src/protocol";

/** A kafkajs Encoder: `buffer` holds the bytes written. */
export interface KafkajsEncoder {
  buffer: Uint8Array;
}

/** What a kafkajs request factory returns. */
export interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<KafkajsEncoder>;
}

/** A kafkajs response module. */
export interface KafkajsResponse {
  decode(raw: Uint8Array): Promise<unknown>;
  parse(decoded: unknown): Promise<unknown>;
}

type Folder = string;

/** kafkajs's request factory for `api` (its folder name, e.g. "fetch") at `version`. */
export function kafkajsRequest(api: Folder, version: number): (args: object) => KafkajsRequest {
  return require(`${base}/requests/${api}/v${version}/request.js`);
}

/** Whether kafkajs implements `api` (its folder name) at `version`. */
export function kafkajsHas(api: Folder, version: number): boolean {
  try {
    require.resolve(`${base}/requests/${api}/v${version}/request.js`);
    return true;
  } catch {
    return false;
  }
}

/** kafkajs's response decoder for `api` at `version`. */
export function kafkajsResponse(api: Folder, version: number): KafkajsResponse {
  return require(`${base}/requests/${api}/v${version}/response.js`);
}

/** Encodes a kafkajs request body. */
export async function kafkajsBody(api: Folder, version: number, args: object): Promise<Uint8Array> {
  const encoder = await kafkajsRequest(api, version)(args).encode();
  return new Uint8Array(encoder.buffer);
}

/** A whole frame (size, header v1, body) as kafkajs's connection sends it. */
export async function kafkajsFrame(api: Folder, version: number, args: object, correlationId: number, clientId: string): Promise<Uint8Array> {
  const frame: (options: object) => Promise<KafkajsEncoder> = require(`${base}/request.js`);
  const encoder = await frame({ correlationId, clientId, request: kafkajsRequest(api, version)(args) });
  return new Uint8Array(encoder.buffer);
}

/** Decodes one of our response bodies with kafkajs's decoder (no parse: parse throws on error codes). */
export async function kafkajsDecode(api: Folder, version: number, body: Uint8Array): Promise<unknown> {
  const { Buffer } = await import("node:buffer");
  return kafkajsResponse(api, version).decode(Buffer.from(body));
}

/** Decodes, then runs kafkajs's `parse` (throws for responses carrying an error code). */
export async function kafkajsParse(api: Folder, version: number, body: Uint8Array): Promise<unknown> {
  const { Buffer } = await import("node:buffer");
  const response = kafkajsResponse(api, version);
  return response.parse(await response.decode(Buffer.from(body)));
}

/** kafkajs's RecordBatch v2 encoder, for realistic Produce and Fetch payloads. */
export async function kafkajsRecordBatch(messages: Array<{ key?: string; value: string; headers?: Record<string, string>; timestamp?: number }>, baseOffset = 0): Promise<Uint8Array> {
  const { Buffer } = await import("node:buffer");
  const Records: (args: object) => KafkajsEncoder = require(`${base}/recordBatch/record/v0/index.js`);
  const { RecordBatch } = require(`${base}/recordBatch/v0/index.js`) as { RecordBatch: (args: object) => Promise<KafkajsEncoder> };
  const timestamp = messages[0]?.timestamp ?? 1_700_000_000_000;
  const records = messages.map((m, i) => Records({
    offsetDelta: i,
    timestampDelta: (m.timestamp ?? timestamp) - timestamp,
    key: m.key === undefined ? null : Buffer.from(m.key),
    value: Buffer.from(m.value),
    headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, Buffer.from(v)])),
  }));
  const maxTimestamp = Math.max(...messages.map((m) => m.timestamp ?? timestamp));
  const batch = await RecordBatch({ firstOffset: baseOffset, firstTimestamp: timestamp, maxTimestamp, lastOffsetDelta: messages.length - 1, records });
  return new Uint8Array(batch.buffer);
}

/** First version at which kafkajs reports throttle time as `clientSideThrottleTime` (KIP-219). */
const clientSideThrottleFrom: Readonly<Record<string, number>> = {
  apiVersions: 2, createPartitions: 1, createTopics: 3, deleteTopics: 1, describeGroups: 2, fetch: 8, findCoordinator: 2,
  heartbeat: 2, initProducerId: 1, joinGroup: 3, leaveGroup: 2, listGroups: 2, listOffsets: 3,
  metadata: 6, offsetCommit: 4, offsetFetch: 4, produce: 6, syncGroup: 2,
  addPartitionsToTxn: 1, addOffsetsToTxn: 1, endTxn: 1, txnOffsetCommit: 1,
};

/** The throttle fields kafkajs's decoder for `api` v`version` reports for `ms`. */
export function kafkajsThrottle(api: Folder, version: number, ms: number): Record<string, number> {
  const from = clientSideThrottleFrom[api];
  return from !== undefined && version >= from ? { throttleTime: 0, clientSideThrottleTime: ms } : { throttleTime: ms };
}
