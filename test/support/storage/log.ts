import { mkdtempSync, rmSync } from "node:fs";
import { concatBytes } from "../bytes.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseTopicConfig, type TopicConfig } from "../../../core/topic-config.ts";
import { encodeRecordBatch, type BatchRecord, type EncodeBatchOptions } from "../../../record/record-batch.ts";

/** Test support for the storage tests: temp dirs, configs, batches. Not used by production code. */

const encoder = new TextEncoder();

/** A fresh temp dir; call the returned function to remove it. */
export function tempDir(prefix = "rivulet-log-"): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A topic config with `flush=os` unless overridden. */
export function testConfig(overrides: Record<string, unknown> = {}): TopicConfig {
  return parseTopicConfig({ flush: "os", ...overrides });
}

/** `count` records "`prefix`-i", keys "k-i" unless `key` is given, at `timestamp`. */
export function records(count: number, prefix = "v", timestamp = 1_700_000_000_000, key?: (i: number) => string | null): BatchRecord[] {
  return Array.from({ length: count }, (_, i) => {
    const k = key ? key(i) : `k-${i}`;
    return { key: k === null ? null : encoder.encode(k), value: encoder.encode(`${prefix}-${i}`), headers: [], timestamp };
  });
}

/** One batch of `count` records. */
export function batch(count: number, prefix = "v", options: EncodeBatchOptions & { timestamp?: number } = {}): Uint8Array {
  return encodeRecordBatch(records(count, prefix, options.timestamp), options);
}

/** A batch with one record of `value` under `key` (null value = tombstone). */
export function keyed(key: string, value: string | null, timestamp = 1_700_000_000_000): Uint8Array {
  return encodeRecordBatch([{ key: encoder.encode(key), value: value === null ? null : encoder.encode(value), headers: [], timestamp }]);
}

/** Concatenates byte arrays. */
export const concat = concatBytes;
