/**
 * {@link RivuletClient}: the HTTP API of a Rivulet server through `fetch` alone, for browsers,
 * Cloudflare Workers, Deno, Bun and Node 20. It holds no connection of its own; every call is
 * one or more `fetch` requests.
 */
import { GroupConsumer, type GroupOptions } from "./group-consumer.ts";
import { IdempotentProducer, type ProduceOptions } from "./producer.ts";
import { decodeRecord, type WireRecord } from "./records.ts";
import { DurableStreams } from "./streams.ts";
import { subscribe, type SubscribeOptions } from "./subscription.ts";
import { Transport, type TransportOptions } from "./transport.ts";
import type { ConsumedRecord, FetchResult, ProduceRecord, RecordPosition, TopicInfo } from "./types.ts";

/** Options of a client. */
export interface RivuletClientOptions extends TransportOptions {
  /** How long produce keeps retrying a request before it fails (default 30 000 ms). */
  deliveryTimeoutMs?: number;
}

/** Options of a fetch. */
export interface FetchOptions {
  /** First offset, `earliest` (default) or `latest`. */
  offset?: number | "earliest" | "latest";
  maxRecords?: number;
  /** Wait this long for records when there are none yet. */
  waitMs?: number;
  signal?: AbortSignal;
}

interface WirePartition {
  partition: number;
  start_offset: number;
  end_offset: number;
  worker: number;
  status: string;
  size_bytes?: number;
}

/** Topic administration. */
export class Topics {
  readonly #transport: Transport;

  constructor(transport: Transport) {
    this.#transport = transport;
  }

  /** Topic names. */
  async list(): Promise<string[]> {
    return (await this.#transport.json<{ topics: string[] }>("/v1/topics")).topics;
  }

  /** Creates a topic. @throws {RivuletHttpError} `topic_exists` (409) */
  async create(name: string, options: { partitions?: number; config?: Record<string, unknown> } = {}): Promise<TopicInfo> {
    return topicInfo(await this.#transport.json("/v1/topics", { method: "POST", json: { name, partitions: options.partitions ?? 1, config: options.config ?? {} } }));
  }

  /** A topic with its partitions' offsets. @throws {RivuletHttpError} `unknown_topic` (404) */
  async describe(name: string): Promise<TopicInfo> {
    return topicInfo(await this.#transport.json(`/v1/topics/${encodeURIComponent(name)}`));
  }

  /** Deletes a topic and its data. */
  async delete(name: string): Promise<void> {
    const response = await this.#transport.send(`/v1/topics/${encodeURIComponent(name)}`, { method: "DELETE" });
    await response.body?.cancel();
  }
}

function topicInfo(wire: { name: string; partitions: WirePartition[]; config: Record<string, unknown> }): TopicInfo {
  return {
    name: wire.name,
    config: wire.config,
    partitions: wire.partitions.map((p) => ({ partition: p.partition, startOffset: p.start_offset, endOffset: p.end_offset, worker: p.worker, status: p.status, sizeBytes: p.size_bytes ?? 0 })),
  };
}

/**
 * A client of one Rivulet server.
 *
 * @example
 * ```ts
 * const client = new RivuletClient({ url: "http://127.0.0.1:8080", token: "secret" });
 * await client.topics.create("payments", { partitions: 3 });
 * const [where] = await client.produce("payments", [{ key: "alice", value: { paid: 200 } }]);
 * for await (const record of client.subscribe("payments", where.partition)) console.log(record.value);
 * ```
 */
export class RivuletClient {
  /** Topic administration. */
  readonly topics: Topics;
  /** Durable Streams under `/v1/stream`. */
  readonly streams: DurableStreams;
  readonly #transport: Transport;
  readonly #producer: IdempotentProducer;

  /** @param options the server's `url`, an optional bearer `token` and `fetch` */
  constructor(options: RivuletClientOptions) {
    this.#transport = new Transport(options);
    this.topics = new Topics(this.#transport);
    this.streams = new DurableStreams(this.#transport);
    this.#producer = new IdempotentProducer(this.#transport, options.deliveryTimeoutMs ?? 30_000);
  }

  /**
   * Produces records; idempotent by default: retried through lost answers and server hiccups,
   * each record stored once.
   *
   * @returns where each record landed, in order
   * @throws {RivuletHttpError} a refusal (`invalid_record`, `unknown_topic`, …) or the last
   *   failure once the delivery timeout passed
   */
  produce(topic: string, records: ProduceRecord[], options?: ProduceOptions): Promise<RecordPosition[]> {
    return this.#producer.produce(topic, records, options);
  }

  /** Reads records of one partition from an offset, never past the high watermark. */
  async fetch(topic: string, partition: number, options: FetchOptions = {}): Promise<FetchResult> {
    const answer = await this.#transport.json<{ records: WireRecord[]; next_offset: number; high_watermark: number; log_start_offset: number }>(
      `/v1/topics/${encodeURIComponent(topic)}/partitions/${partition}/records`,
      { query: { offset: options.offset ?? "earliest", max_records: options.maxRecords, wait_ms: options.waitMs }, signal: options.signal },
    );
    return {
      records: answer.records.map((r) => decodeRecord(r, topic, partition)),
      nextOffset: answer.next_offset,
      highWatermark: answer.high_watermark,
      logStartOffset: answer.log_start_offset,
    };
  }

  /** Records of one partition as they arrive (Server-Sent Events), resuming after dropped connections. */
  subscribe(topic: string, partition: number, options?: SubscribeOptions): AsyncGenerator<ConsumedRecord> {
    return subscribe(this.#transport, topic, partition, options);
  }

  /** A member of consumer group `groupId`: explicit join/poll/commit/leave, or `for await`. */
  group(groupId: string, options: GroupOptions): GroupConsumer {
    return new GroupConsumer(this.#transport, groupId, options);
  }
}
