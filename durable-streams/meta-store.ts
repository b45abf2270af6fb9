/**
 * Persistence of stream metadata in the compacted internal topic `__ds_streams`: one record per
 * change, keyed by stream path, a null value once the stream is gone. On start the whole topic
 * is read and the last value of each key wins (compaction keeps the topic small). Writes of one
 * key are issued in order; each write encodes the metadata as it is when the write is issued.
 *
 * Not thread-safe; one instance per app, on the main thread.
 */
import type { BrokerApi } from "../broker/types.ts";
import { isRivuletError } from "../core/errors.ts";
import { decodeStreamMeta, encodeStreamMeta, type StreamMeta } from "./stream-meta.ts";

/** The internal topic holding stream metadata. */
export const STREAMS_TOPIC = "__ds_streams";

const utf8 = new TextDecoder();

/** Reads and writes stream metadata through the broker. */
export class MetaStore {
  #broker: BrokerApi;
  #chains = new Map<string, Promise<void>>();
  #barrier: boolean;

  /**
   * @param broker where `__ds_streams` lives
   * @param options `barrier` (in a cluster): before reading, write a record that names no stream
   *   and wait for its acknowledgement, so the high watermark of a leader elected a moment ago
   *   covers every metadata write acknowledged before (as a new Raft leader commits a no-op)
   */
  constructor(broker: BrokerApi, options: { barrier?: boolean } = {}) {
    this.#broker = broker;
    this.#barrier = options.barrier ?? false;
  }

  /**
   * Creates `__ds_streams` if needed and reads every stream's latest metadata.
   *
   * @returns metadata by stream path
   * @throws {RivuletError} from the broker, or `corrupt_record` for an unreadable value
   */
  async load(): Promise<Map<string, StreamMeta>> {
    try {
      await this.#broker.createTopic(STREAMS_TOPIC, { partitions: 1, internal: true, config: { "cleanup.policy": "compact", "retention.ms": -1 } });
    } catch (error) {
      if (!isRivuletError(error, "topic_exists")) throw error;
    }
    // A tombstone for a key no stream path can be (paths start with "/").
    if (this.#barrier) await this.#broker.produce(STREAMS_TOPIC, [{ key: "\u0000barrier", value: null, partition: 0 }]);
    const metas = new Map<string, StreamMeta>();
    let offset = await this.#broker.listOffset(STREAMS_TOPIC, 0, "earliest");
    const end = await this.#broker.listOffset(STREAMS_TOPIC, 0, "latest");
    while (offset < end) {
      const { records, nextOffset } = await this.#broker.fetch(STREAMS_TOPIC, 0, { offset });
      for (const record of records) {
        if (!record.key) continue;
        const path = utf8.decode(record.key);
        if (record.value === null) metas.delete(path);
        else metas.set(path, decodeStreamMeta(record.value));
      }
      if (nextOffset <= offset) break;
      offset = nextOffset;
    }
    return metas;
  }

  /**
   * Writes a stream's metadata, after earlier writes of the same path.
   *
   * @param path the stream
   * @param current called when the write is issued; null writes a tombstone
   */
  write(path: string, current: () => StreamMeta | null): Promise<void> {
    const previous = this.#chains.get(path) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(async () => {
      const meta = current();
      await this.#broker.produce(STREAMS_TOPIC, [{ key: path, value: meta ? encodeStreamMeta(meta) : null, partition: 0 }]);
    });
    this.#chains.set(path, next);
    void next.finally(() => {
      if (this.#chains.get(path) === next) this.#chains.delete(path);
    }).catch(() => {});
    return next;
  }
}
