/**
 * Producer ids unique across the brokers of a cluster, as Kafka's controller hands out blocks
 * of them (KIP-730): one counter in etcd (`/<c>/producer-ids`, `{"next": N}`), and each broker
 * takes a block of {@link Limits.clusterProducerIdBlockSize} ids at a time with a
 * compare-and-set on the key's mod revision, so two brokers never take the same block. A
 * broker's own allocator (actors/cluster-metadata.ts) counts from 0 on each broker; every
 * broker of a cluster uses this one instead once it joined (Kafka InitProducerId, HTTP
 * `POST /v1/producers`, the broker's internal producers), so an id names one producer in the
 * whole cluster and the partitions' duplicate detection never mixes two producers' sequences.
 *
 * The counter starts at {@link CLUSTER_PRODUCER_ID_BASE}, far above anything a broker's own
 * allocator hands out, so ids a broker took before it joined never meet a cluster id.
 * A block taken and not used up (a broker restarting) is skipped, never handed out twice.
 */
import { RivuletError } from "../../core/errors.ts";
import type { EtcdClient } from "../etcd/etcd-client.ts";
import { bytesText } from "../etcd/etcd-bytes.ts";

/** The first cluster producer id: 2^40 (int64 on the wire, a safe integer here). */
export const CLUSTER_PRODUCER_ID_BASE = 2 ** 40;

/** Compare-and-set tries before giving up (each lost try means another broker took a block). */
const casAttempts = 20;

/** Hands out producer ids from blocks taken from the cluster's counter. */
export class ProducerIdBlocks {
  readonly #etcd: EtcdClient;
  readonly #key: string;
  readonly #blockSize: number;
  #next = 0;
  #end = 0;
  /** The block being taken, shared by the calls that wait for it. */
  #taking: Promise<void> | null = null;

  /**
   * @param etcd the cluster's etcd
   * @param key the counter's key (ClusterKeys.producerIds)
   * @param blockSize ids taken at once
   */
  constructor(etcd: EtcdClient, key: string, blockSize: number) {
    this.#etcd = etcd;
    this.#key = key;
    this.#blockSize = Math.max(1, Math.floor(blockSize));
  }

  /**
   * A producer id no broker of the cluster handed out before.
   *
   * @throws {RivuletError} `coordination_unavailable` / `timeout` when etcd cannot be reached
   */
  async allocate(): Promise<number> {
    while (this.#next >= this.#end) {
      this.#taking ??= this.#take().finally(() => (this.#taking = null));
      await this.#taking;
    }
    return this.#next++;
  }

  async #take(): Promise<void> {
    for (let attempt = 0; attempt < casAttempts; attempt++) {
      const read = await this.#etcd.range({ key: this.#key });
      const kv = read.kvs[0];
      const from = kv ? counterValue(bytesText(kv.value)) : CLUSTER_PRODUCER_ID_BASE;
      const end = from + this.#blockSize;
      const answer = await this.#etcd.txn({
        compare: [{ key: this.#key, target: "mod_revision", result: "equal", value: kv?.modRevision ?? 0 }],
        success: [{ put: { key: this.#key, value: JSON.stringify({ next: end }) } }],
      });
      if (answer.succeeded) {
        this.#next = from;
        this.#end = end;
        return;
      }
    }
    throw new RivuletError("coordination_unavailable", `no block of producer ids could be taken after ${casAttempts} tries (other brokers kept taking them)`);
  }
}

function counterValue(text: string): number {
  let next: unknown;
  try {
    next = (JSON.parse(text) as { next?: unknown }).next;
  } catch {
    next = undefined;
  }
  if (typeof next !== "number" || !Number.isSafeInteger(next) || next < CLUSTER_PRODUCER_ID_BASE) {
    throw new RivuletError("coordination_unavailable", `the cluster's producer id counter holds ${JSON.stringify(text.slice(0, 80))}, not {"next": N}`);
  }
  return next;
}
