/**
 * The controller's durable metadata: topics with their partition counts and configs, and the
 * next free producer id. One CBOR file, `<dataDir>/metadata.cbor`, written atomically (temp
 * file, fsync, rename, fsync the directory) on every change.
 *
 * Not thread-safe: owned by the supervisor actor.
 */
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import type { TopicConfig } from "../core/topic-config.ts";
import { readCbor, writeCborAtomic } from "../storage/atomic-file.ts";

/** Format version of metadata.cbor. */
const METADATA_VERSION = 1;
const METADATA_FILE = "metadata.cbor";
/** Producer ids are handed out in blocks, so the file is not rewritten per id. */
export const PRODUCER_ID_BLOCK = 1000;

export interface TopicMetadata {
  name: string;
  partitions: number;
  config: TopicConfig;
  createdAt: number;
}

interface MetadataFile {
  version: number;
  topics: TopicMetadata[];
  /** Producer ids below this may have been handed out. */
  producerIdCeiling: number;
}

export class ClusterMetadata {
  readonly dataDir: string;
  readonly topics: Map<string, TopicMetadata> = new Map();
  #producerIdCeiling = 0;
  #nextProducerId = 0;

  private constructor(dataDir: string) {
    this.dataDir = dataDir;
  }

  /** Loads the metadata file in `dataDir`, or starts empty. */
  static load(dataDir: string): ClusterMetadata {
    mkdirSync(dataDir, { recursive: true });
    const metadata = new ClusterMetadata(dataDir);
    const file = readCbor<MetadataFile>(join(dataDir, METADATA_FILE));
    if (file) {
      if (file.version !== METADATA_VERSION) throw new Error(`unsupported metadata version ${file.version} in ${dataDir}`);
      for (const topic of file.topics) metadata.topics.set(topic.name, topic);
      metadata.#producerIdCeiling = file.producerIdCeiling;
      metadata.#nextProducerId = file.producerIdCeiling;
    }
    return metadata;
  }

  /** Writes the metadata file atomically. */
  save(): void {
    const file: MetadataFile = { version: METADATA_VERSION, topics: [...this.topics.values()], producerIdCeiling: this.#producerIdCeiling };
    writeCborAtomic(join(this.dataDir, METADATA_FILE), file);
  }

  /** A producer id never handed out before, even across restarts. */
  allocateProducerId(): number {
    if (this.#nextProducerId >= this.#producerIdCeiling) {
      this.#producerIdCeiling = this.#nextProducerId + PRODUCER_ID_BLOCK;
      this.save();
    }
    return this.#nextProducerId++;
  }
}
