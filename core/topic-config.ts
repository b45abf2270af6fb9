import { RivuletError } from "./errors.ts";
import { defaultLimits } from "./limits.ts";

/** How an append becomes durable before it is acknowledged. */
export type FlushPolicy = "always" | "interval" | "os";

/** A topic's configuration, parsed. Names follow Kafka's topic configs. */
export interface TopicConfig {
  /** Delete segments whose newest record is older than this; -1 keeps forever. */
  "retention.ms": number;
  /** Delete oldest segments while the partition is larger than this; -1 means no limit. */
  "retention.bytes": number;
  /** Roll to a new segment past this size. */
  "segment.bytes": number;
  /** Roll to a new segment when the active one is older than this. */
  "segment.ms": number;
  /** Bytes of log between two sparse index entries. */
  "index.interval.bytes": number;
  /** `delete` (retention), `compact` (latest record per key) or both. */
  "cleanup.policy": "delete" | "compact" | "compact,delete";
  /** How long tombstones survive compaction. */
  "delete.retention.ms": number;
  /** Records newer than this are never compacted. */
  "min.compaction.lag.ms": number;
  /** When an append is acknowledged: after fsync (`always`), fsync every `flush.ms` (`interval`), or page cache (`os`). */
  flush: FlushPolicy;
  /** Interval between fsyncs under `flush=interval`. */
  "flush.ms": number;
  /** Largest record batch accepted. */
  "message.max.bytes": number;
  /** `CreateTime` keeps producer timestamps; `LogAppendTime` stamps the broker's clock. */
  "message.timestamp.type": "CreateTime" | "LogAppendTime";
  /** Replicated topics: a follower that has not caught up with the leader's log end for this long leaves the ISR. */
  "replica.lag.time.max.ms": number;
  /**
   * Replicated topics: fewest in-sync replicas (the leader included) an acks=all write needs;
   * capped at the replication factor, so the default 2 means min(2, replication factor).
   */
  "min.insync.replicas": number;
}

/** Defaults for every topic config. */
export const defaultTopicConfig: Readonly<TopicConfig> = Object.freeze({
  "retention.ms": 7 * 24 * 3600 * 1000,
  "retention.bytes": -1,
  "segment.bytes": 1024 * 1024 * 1024,
  "segment.ms": 7 * 24 * 3600 * 1000,
  "index.interval.bytes": 4096,
  "cleanup.policy": "delete",
  "delete.retention.ms": 24 * 3600 * 1000,
  "min.compaction.lag.ms": 0,
  flush: "always",
  "flush.ms": 1000,
  "message.max.bytes": defaultLimits.messageMaxBytes,
  "message.timestamp.type": "CreateTime",
  "replica.lag.time.max.ms": 30_000,
  "min.insync.replicas": 2,
});

type Rule = (key: string, raw: unknown) => unknown;

const integer = (min: number, max = Number.MAX_SAFE_INTEGER): Rule => (key, raw) => {
  const n = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new RivuletError("invalid_config", `config ${key} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`, { key });
  }
  return n;
};
const oneOf = (...values: string[]): Rule => (key, raw) => {
  if (typeof raw !== "string" || !values.includes(raw)) {
    throw new RivuletError("invalid_config", `config ${key} must be one of ${values.join(", ")}, got ${JSON.stringify(raw)}`, { key });
  }
  return raw;
};

/**
 * `cleanup.policy` is a list in Kafka: `delete,compact`, `compact, delete` and `compact,delete`
 * mean the same, and clients send any of them (Kafka Streams style libraries create windowed
 * changelogs with `delete,compact`). Stored in one spelling: `compact,delete`.
 */
const cleanupPolicy: Rule = (key, raw) => {
  const parts = typeof raw === "string" ? raw.split(",").map((p) => p.trim()) : [];
  if (parts.length === 0 || parts.length > 2 || parts.some((p) => p !== "delete" && p !== "compact") || new Set(parts).size !== parts.length) {
    throw new RivuletError("invalid_config", `config ${key} must be delete, compact or both (compact,delete), got ${JSON.stringify(typeof raw === "string" ? raw.slice(0, 100) : raw)}`, { key });
  }
  return parts.length === 2 ? "compact,delete" : parts[0];
};

const rules: Record<keyof TopicConfig, Rule> = {
  "retention.ms": integer(-1),
  "retention.bytes": integer(-1),
  "segment.bytes": integer(defaultLimits.segmentBytesMin, defaultLimits.segmentBytesMax),
  "segment.ms": integer(1),
  "index.interval.bytes": integer(1, 1024 * 1024),
  "cleanup.policy": cleanupPolicy,
  "delete.retention.ms": integer(0),
  "min.compaction.lag.ms": integer(0),
  flush: oneOf("always", "interval", "os"),
  "flush.ms": integer(1, 3_600_000),
  "message.max.bytes": integer(64, defaultLimits.messageMaxBytes * 100),
  "message.timestamp.type": oneOf("CreateTime", "LogAppendTime"),
  "replica.lag.time.max.ms": integer(1, 3_600_000),
  "min.insync.replicas": integer(1, 1_000),
};

/**
 * Validates raw config (strings or numbers, as from HTTP, the CLI or Kafka's CreateTopics)
 * and fills in defaults.
 *
 * @param raw config entries by Kafka name; unknown names are refused
 * @returns the full, typed config
 * @throws {RivuletError} `invalid_config`
 * @example
 * ```ts
 * parseTopicConfig({ "retention.ms": "60000", flush: "os" })["retention.ms"]; // 60000
 * ```
 */
export function parseTopicConfig(raw: Record<string, unknown> = {}, base: Readonly<TopicConfig> = defaultTopicConfig): TopicConfig {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new RivuletError("invalid_config", "config must be an object of name → value");
  }
  const config: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(raw)) {
    if (!Object.hasOwn(rules, key)) throw new RivuletError("invalid_config", `unknown config ${JSON.stringify(key.slice(0, 100))}`, { key: key.slice(0, 100) });
    config[key] = rules[key as keyof TopicConfig](key, value);
  }
  return config as unknown as TopicConfig;
}
