/**
 * Producer ids unique across the cluster (Kafka's AllocateProducerIds, KIP-730): each broker
 * takes blocks of ids from one etcd key, `/<c>/producer-ids` (the next free id, decimal), by
 * compare-and-set, and hands them out from memory.
 *
 * Why: a broker's own counter starts at 0 like every other broker's, so two brokers would give
 * two producers the same id; their batches then meet in one partition's producer state, where
 * one producer's batch passes for the other's duplicate (acknowledged at the other's offsets:
 * an acknowledged record lost) or fails as out of order.
 *
 * Ids of a block a broker did not hand out before it stopped are never used (as in Kafka). The
 * key is of a kind the metadata cache ignores.
 */
import { RivuletError } from "../../core/errors.ts";
import { bytesText } from "../etcd/etcd-bytes.ts";
import type { EtcdClient } from "../etcd/etcd-client.ts";
import type { ClusterKeys } from "./cluster-keys.ts";

/** Ids per block: one etcd write per this many producers. */
export const producerIdBlockSize = 1_000;
/** Tries of the compare-and-set before giving up while other brokers keep taking blocks. */
const attemptsMax = 16;

export class ProducerIdBlocks {
  readonly #client: EtcdClient;
  readonly #key: string;
  #next = 0;
  #end = 0;
  #taking: Promise<void> | null = null;

  constructor(client: EtcdClient, keys: ClusterKeys) {
    this.#client = client;
    this.#key = `${keys.prefix}producer-ids`;
  }

  /**
   * A producer id no broker of the cluster has handed out.
   *
   * @throws {RivuletError} `coordination_unavailable` (etcd unreachable, or the key kept changing)
   */
  async allocate(): Promise<number> {
    while (this.#next >= this.#end) {
      this.#taking ??= this.#take().finally(() => {
        this.#taking = null;
      });
      await this.#taking;
    }
    return this.#next++;
  }

  async #take(): Promise<void> {
    const key = this.#key;
    for (let attempt = 0; attempt < attemptsMax; attempt++) {
      const read = await this.#client.txn({ compare: [], success: [{ range: { key } }] });
      const kv = "range" in read.responses[0] ? read.responses[0].range.kvs[0] : undefined;
      const start = kv ? Number(bytesText(kv.value)) : 0;
      if (!Number.isSafeInteger(start) || start < 0) throw new RivuletError("coordination_unavailable", `etcd key ${key} holds no producer id`, { key });
      const end = start + producerIdBlockSize;
      const answer = await this.#client.txn({
        compare: [kv ? { key, target: "mod_revision", result: "equal", value: kv.modRevision } : { key, target: "create_revision", result: "equal", value: 0 }],
        success: [{ put: { key, value: String(end) } }],
      });
      if (answer.succeeded) {
        this.#next = start;
        this.#end = end;
        return;
      }
    }
    throw new RivuletError("coordination_unavailable", `other brokers kept taking producer id blocks during ${attemptsMax} tries`, { key });
  }
}
