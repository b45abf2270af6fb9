/**
 * The final read of a chaos run: each partition's high watermark as the cluster reports it
 * (Kafka ListOffsets through kafkajs), then every replica's copy read from its files once its
 * broker has stopped — the records as they are on that broker's disk, not as a leader serves
 * them, so replicas can be compared with each other.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import "../kafka/kafkajs-timers.ts";
import { Kafka, logLevel } from "kafkajs";
import { parseTopicConfig } from "../../../core/topic-config.ts";
import { decodeRecords } from "../../../record/record-batch.ts";
import { readBatchHeader } from "../../../record/batch-header.ts";
import { Log } from "../../../storage/log.ts";
import type { FinalReadOp } from "./history.ts";

/** Each partition's high watermark, from the brokers at `brokers`. */
export async function highWatermarks(brokers: string[], topic: string): Promise<Map<number, number>> {
  const admin = new Kafka({ clientId: "chaos-final-read", brokers, logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 2_000 } }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(offsets.map((o) => [o.partition, Number(o.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads one replica of a partition from a stopped broker's data directory
 * (`<dataDir>/<topic>-<partition>`): every record up to its log end. The op's high watermark is
 * the cluster's (`highWatermark`): the checker compares replicas below it. Null when the broker
 * holds no replica of the partition.
 *
 * @param replica the name the checker shows, e.g. `broker 2`
 */
export function readReplica(replica: string, dataDir: string, topic: string, partition: number, highWatermark: number): FinalReadOp | null {
  const dir = join(dataDir, `${topic}-${partition}`);
  const records: FinalReadOp["records"] = [];
  if (!existsSync(dir)) return null;
  {
    const log = Log.open(dir, parseTopicConfig({}));
    try {
      let offset = log.logStartOffset;
      while (offset < log.highWatermark) {
        const { batches } = log.read(offset, 1 << 20);
        if (batches.length === 0) break;
        for (let position = 0; position < batches.length; ) {
          const header = readBatchHeader(batches, position);
          for (const r of decodeRecords(batches, position)) {
            if (r.offset >= offset) records.push({ offset: r.offset, value: r.value === null ? "" : new TextDecoder().decode(r.value) });
          }
          offset = header.baseOffset + header.lastOffsetDelta + 1;
          position += 12 + header.batchLength;
        }
      }
    } finally {
      log.close();
    }
  }
  return { type: "final", replica, partition, highWatermark, records };
}
