/**
 * The programmatic transactional producer (DESIGN §11): `broker.producer({ transactionalId })`
 * and `producer.transaction(async (tx) => { ... })`, committed when the callback returns and
 * aborted when it throws (the error is rethrown). Records go out as transactional batches
 * (attribute bit 4) with the producer's id, epoch and per-partition sequence numbers, each
 * partition added to the transaction before its first batch, exactly as a Kafka client does; so
 * a read_committed reader sees all of a transaction's records or none, and the offsets given to
 * `tx.sendOffsets` become the group's committed offsets only when the transaction commits.
 *
 * The producer holds its transactional id: a second producer (or Kafka client) with the same id
 * fences it (its next call fails with `producer_fenced`). After an abort the producer takes a
 * new epoch before its next transaction, so a half-sent batch of the aborted one never
 * disturbs the sequence numbers of the next.
 *
 * On a broker of a cluster the producer works as a Kafka client does, whichever broker it runs
 * on: each request goes to the broker holding its part (the id's coordinator, the group's
 * coordinator, the partition's leader; see transaction-client.ts), and one answered with a
 * retriable error while that part moves is tried again, bounded by
 * `transactionRequestAttemptsMax` and the delivery timeout.
 *
 * One transaction at a time per producer; calls inside one may run concurrently (batches to a
 * partition keep their call order).
 */
import { RivuletError } from "../core/errors.ts";
import type { Clock } from "../core/clock.ts";
import type { Limits } from "../core/limits.ts";
import { Attributes, BatchOffset, CRC_START } from "../record/batch-layout.ts";
import { viewOf } from "../record/batch-header.ts";
import { crc32c } from "../record/crc32c.ts";
import { encodeRecordBlock } from "../record/record-block-encoder.ts";
import { packRecordBlocks, RecordBlockBuilder } from "../record/record-block.ts";
import { Partitioner } from "../broker/partitioner.ts";
import { keyBytes, recordError, recordTimestamp, writeRecord } from "../broker/record-input.ts";
import type { ProducerRecord, RecordMetadata } from "../broker/types.ts";
import type { OffsetCommitEntry } from "../broker/group-api.ts";
import type { TransactionalIdentity, TransactionGroupMember } from "./transaction-coordinator.ts";
import { type TransactionClient, withTransactionRetries } from "./transaction-client.ts";

/** Options of a transactional producer. */
export interface TransactionalProducerOptions {
  /** The id that survives restarts: a new producer with it fences the old one and aborts its open transaction. */
  transactionalId: string;
  /** Abort a transaction left open this long (default `limits.transactionTimeoutMsDefault`; at most `transactionTimeoutMsMax`). */
  transactionTimeoutMs?: number;
}

/** What the producer needs from the broker: its limits and clock (where requests go is the {@link TransactionClient}'s). */
export interface TransactionalProducerHost {
  readonly limits: Limits;
  readonly clock: Clock;
}

/** Where a transaction's records go and how their offsets are committed; see {@link TransactionalProducer.transaction}. */
export interface Transaction {
  /** Sends one record in the transaction; resolves once appended (visible to read_committed readers at commit). */
  send(topic: string, record: ProducerRecord): Promise<RecordMetadata>;
  /** Sends records in the transaction, validated all before any is sent; metadata in `records` order. */
  sendBatch(topic: string, records: ProducerRecord[]): Promise<RecordMetadata[]>;
  /**
   * Commits `offsets` (the next offsets to consume) for `groupId` with the transaction. Given
   * `member` (the sender's group membership), the coordinator refuses the commit when that member
   * is no longer the group's current one (`illegal_generation` / `unknown_member`), as Kafka's
   * TxnOffsetCommit v3 does.
   */
  sendOffsets(groupId: string, offsets: OffsetCommitEntry[], member?: TransactionGroupMember): Promise<void>;
}

/**
 * A producer bound to a transactional id.
 *
 * @example
 * ```ts
 * const producer = broker.producer({ transactionalId: "payments-enricher" });
 * await producer.transaction(async (tx) => {
 *   await tx.send("payments-enriched", { key: "alice", value: "paid 200 to bob (EUR)" });
 *   await tx.sendOffsets("enricher", [{ topic: "payments", partition: 0, offset: 42 }]);
 * });
 * ```
 */
export class TransactionalProducer {
  readonly transactionalId: string;
  #host: TransactionalProducerHost;
  #coordinator: TransactionClient;
  #timeoutMs: number;
  #identity: TransactionalIdentity | null = null;
  /** Next sequence per "topic\0partition" under the current epoch. */
  #sequences = new Map<string, number>();
  #partitioner = new Partitioner();
  #active = false;
  #closed = false;

  /**
   * @param host limits and clock
   * @param coordinator where its requests go: the broker's own coordinator and partitions alone,
   *   the brokers holding them in a cluster (see transaction-client.ts)
   */
  constructor(host: TransactionalProducerHost, coordinator: TransactionClient, options: TransactionalProducerOptions) {
    this.#host = host;
    this.#coordinator = coordinator;
    this.transactionalId = options.transactionalId;
    this.#timeoutMs = options.transactionTimeoutMs ?? host.limits.transactionTimeoutMsDefault;
  }

  /**
   * Runs `work` in a transaction: committed when it resolves, aborted when it throws (then the
   * error is rethrown). The first call takes the id (InitProducerId), fencing an earlier holder.
   *
   * @returns what `work` returned, once the commit is decided and written
   * @throws {RivuletError} `producer_fenced` (another producer took the id: this one is done),
   *   `invalid_request` (a transaction already running on this producer, or closed), and what
   *   sends and the coordinator throw
   */
  async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    if (this.#closed) throw new RivuletError("closed", "the producer is closed");
    if (this.#active) throw new RivuletError("invalid_request", `producer "${this.transactionalId}" runs one transaction at a time`);
    this.#active = true;
    try {
      const identity = (this.#identity ??= await this.#init());
      const tx = new OpenTransaction(this.#host, this.#coordinator, { transactionalId: this.transactionalId, ...identity }, this.#sequences, this.#partitioner);
      let result: T;
      try {
        result = await work(tx);
        await tx.settled();
      } catch (error) {
        await tx.settled().catch(noop);
        await this.#abort(tx).catch(noop);
        throw error;
      }
      if (tx.touched) await this.#end(tx, true);
      return result;
    } finally {
      this.#active = false;
    }
  }

  /** Refuses further transactions (an open one runs to its end first). */
  async close(): Promise<void> {
    this.#closed = true;
  }

  async #init(): Promise<TransactionalIdentity> {
    const identity = await withTransactionRetries(this.#host, () => this.#coordinator.initProducerId({ transactionalId: this.transactionalId, transactionTimeoutMs: this.#timeoutMs }));
    this.#sequences.clear();
    return identity;
  }

  async #abort(tx: OpenTransaction): Promise<void> {
    // The next transaction starts under a new epoch, whatever this one left half sent.
    this.#identity = null;
    if (tx.touched) await this.#end(tx, false);
  }

  #end(tx: OpenTransaction, commit: boolean): Promise<void> {
    return withTransactionRetries(this.#host, () => this.#coordinator.endTxn(tx.request, commit));
  }
}

/** One running transaction's sends. */
class OpenTransaction implements Transaction {
  readonly request: { transactionalId: string; producerId: number; producerEpoch: number };
  /** Something joined the transaction (a partition or a group): it must be ended. */
  touched = false;
  #host: TransactionalProducerHost;
  #coordinator: TransactionClient;
  #sequences: Map<string, number>;
  #partitioner: Partitioner;
  /** Per partition key, the tail of its appends (they go one at a time, in sequence order). */
  #tails = new Map<string, Promise<unknown>>();
  #pending = new Set<Promise<unknown>>();

  constructor(host: TransactionalProducerHost, coordinator: TransactionClient, request: OpenTransaction["request"], sequences: Map<string, number>, partitioner: Partitioner) {
    this.#host = host;
    this.#coordinator = coordinator;
    this.request = request;
    this.#sequences = sequences;
    this.#partitioner = partitioner;
  }

  async send(topic: string, record: ProducerRecord): Promise<RecordMetadata> {
    const [metadata] = await this.sendBatch(topic, [record]);
    return metadata;
  }

  sendBatch(topic: string, records: ProducerRecord[]): Promise<RecordMetadata[]> {
    return this.#track(this.#sendBatch(topic, records));
  }

  sendOffsets(groupId: string, offsets: OffsetCommitEntry[], member?: TransactionGroupMember): Promise<void> {
    return this.#track((async () => {
      this.touched = true;
      await withTransactionRetries(this.#host, () => this.#coordinator.addOffsets(this.request, groupId));
      await withTransactionRetries(this.#host, () => this.#coordinator.txnOffsetCommit(this.request, groupId, offsets, member));
    })());
  }

  /** Resolves once every send and offset call made so far has settled; rejects with the first failure. */
  async settled(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  #track<T>(promise: Promise<T>): Promise<T> {
    this.#pending.add(promise);
    void promise.then(() => this.#pending.delete(promise), noop);
    return promise;
  }

  async #sendBatch(topic: string, records: ProducerRecord[]): Promise<RecordMetadata[]> {
    const { partitions, config } = this.#coordinator.topicConfig(topic);
    const limits = this.#host.limits;
    const maxBytes = config["message.max.bytes"];
    const keyRequired = config["cleanup.policy"].includes("compact");
    const now = this.#host.clock.now();
    const builders = new Map<number, { builder: RecordBlockBuilder; slots: number[] }>();
    const chosen: number[] = new Array(records.length);
    for (let i = 0; i < records.length; i++) {
      const input = records[i];
      if (input === null || typeof input !== "object") throw recordError("invalid_record", i, "a record must be an object");
      const key = keyBytes(input.key, i);
      if (key === null && keyRequired) throw recordError("invalid_record", i, "a compacted topic refuses records without a key");
      const partition = input.partition ?? this.#partitioner.partition(topic, key, partitions);
      if (!Number.isInteger(partition) || partition < 0 || partition >= partitions) {
        throw recordError("unknown_partition", i, `topic "${topic}" has no partition ${partition} (it has ${partitions})`, { topic, partition, partitions });
      }
      let part = builders.get(partition);
      if (!part) builders.set(partition, (part = { builder: new RecordBlockBuilder(), slots: [] }));
      writeRecord(part.builder, input, key, recordTimestamp(input, now, i), i, limits, maxBytes);
      part.slots.push(i);
      chosen[i] = partition;
    }
    if (builders.size === 0) return [];
    this.#partitioner.nextBatch(topic, partitions);
    this.touched = true;
    await withTransactionRetries(this.#host, () => this.#coordinator.addPartitions(this.request, [...builders.keys()].map((partition) => ({ topic, partition }))));
    const offsets: number[] = new Array(records.length);
    await Promise.all([...builders].map(async ([partition, { builder, slots }]) => {
      const baseOffset = await this.#append(topic, partition, builder);
      slots.forEach((slot, i) => (offsets[slot] = baseOffset + i));
    }));
    return records.map((_, i) => ({ topic, partition: chosen[i], offset: offsets[i] }));
  }

  /** Appends the builder's records as one transactional batch, after the partition's earlier ones. */
  #append(topic: string, partition: number, builder: RecordBlockBuilder): Promise<number> {
    const key = `${topic}\0${partition}`;
    const baseSequence = this.#sequences.get(key) ?? 0;
    this.#sequences.set(key, (baseSequence + builder.count) % 0x8000_0000);
    const block = packRecordBlocks([{ builder, from: 0, to: builder.count }]);
    const batch = encodeRecordBlock(block, { producerId: this.request.producerId, producerEpoch: this.request.producerEpoch, baseSequence }).slice();
    const view = viewOf(batch);
    view.setInt16(BatchOffset.attributes, view.getInt16(BatchOffset.attributes) | Attributes.transactional);
    view.setUint32(BatchOffset.crc, crc32c(batch, CRC_START, batch.length));
    const run = (this.#tails.get(key) ?? Promise.resolve()).then(() => this.#appendWithRetries(topic, partition, batch));
    this.#tails.set(key, run.catch(noop));
    return run;
  }

  /**
   * Retriable failures (the leader moving, the coordinator's verdict not reachable yet) are tried
   * again with the same bytes at the partition's leader of the moment (it drops a duplicate).
   */
  #appendWithRetries(topic: string, partition: number, batch: Uint8Array): Promise<number> {
    const transactionalId = this.request.transactionalId;
    return withTransactionRetries(this.#host, async () => (await this.#coordinator.appendBatch(topic, partition, batch.slice(), transactionalId)).baseOffset);
  }
}

function noop(): void {}
