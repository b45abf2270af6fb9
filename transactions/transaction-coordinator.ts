/**
 * The transaction coordinator (Kafka's TransactionCoordinator, KIP-98): per transactional id a
 * producer id and epoch, the state machine of transaction-metadata.ts, and the two-phase end of
 * a transaction: the decision (PrepareCommit / PrepareAbort) is written durably first, then a
 * commit or abort marker goes to every partition of the transaction (`writeTxnMarkers`) and, on
 * commit, the offsets its TxnOffsetCommits staged go to their groups, then Complete* is written.
 *
 * Durability: every change is one record in `__transaction_state` (transaction-log.ts), written
 * before the change is visible or answered, except Complete*, written behind and late, or not at
 * all when the id's next change supersedes it (its markers and offsets are durable already; a
 * lost Complete* record only means completing again). Recovery ({@link load}) completes every Prepare*
 * transaction again (markers and offsets are idempotent: rewriting them changes nothing) and arms
 * the timeout of every Ongoing one from its start, so none is left hanging after a crash.
 *
 * Offsets of a transaction (TxnOffsetCommit): staged in the transaction's own record, not in
 * `__consumer_offsets`, and committed to the group coordinator between the markers and
 * Complete*; OffsetFetch therefore sees them only once the transaction commits, an abort drops
 * them, and a crash after PrepareCommit applies them on recovery. (Kafka writes them as
 * transactional records into `__consumer_offsets` and lets the marker materialize them; keeping
 * them in the transaction record gives the same visibility with one store and no read-side
 * filtering of the offsets topic.)
 *
 * Fencing: InitProducerId for an id bumps its epoch (a new producer id once the epoch is used
 * up); requests with an older epoch get `producer_fenced`. An Ongoing transaction is aborted
 * first, with its markers written under a bumped epoch, as Kafka's PrepareEpochFence does. A
 * transaction older than its `transaction.timeout.ms` (counted from its first partition, as
 * Kafka does) is aborted the same way, so the forgotten producer is fenced too.
 *
 * Concurrency: operations of one transactional id run one at a time, in arrival order; ids are
 * independent. Not thread-safe: it lives on the broker's event loop.
 */
import { type Clock, systemClock } from "../core/clock.ts";
import { KeyedLock } from "../core/keyed-lock.ts";
import { defaultLimits, type Limits } from "../core/limits.ts";
import type { OffsetCommitEntry, TopicPartition } from "../broker/group-api.ts";
import { systemTimers } from "../groups/group-timers.ts";
import { CompleteRecordWriter } from "./complete-record-writer.ts";
import { KeyedTimers } from "./keyed-timers.ts";
import { checkTransactionalId, checkTransactionTimeout, checkTxnOffsets } from "./transaction-request-checks.ts";
import { concurrent, invalidState, notCoordinator, notOwner, producerFenced, tooManyIds, tooManyPartitions, unknownProducerMapping } from "./transaction-errors.ts";
import { copyMetadata, hasPartition, isPreparing, PRODUCER_EPOCH_MAX, stageOffsets, type TransactionMetadata } from "./transaction-metadata.ts";
import type { TransactionStore } from "./transaction-log.ts";
import { writeOutcome } from "./transaction-outcome.ts";
import type {
  InitProducerIdOptions, TransactionalIdentity, TransactionalRequest, TransactionCoordinatorApi, TransactionCoordinatorOptions,
  TransactionGroupMember, TransactionHost, TransactionPrincipal,
} from "./transaction-coordinator-api.ts";

export type * from "./transaction-coordinator-api.ts";

/**
 * Implements the coordinator side of Kafka's transactions.
 *
 * @example
 * ```ts
 * const coordinator = new TransactionCoordinator({ store, host });
 * await coordinator.load();
 * const { producerId, producerEpoch } = await coordinator.initProducerId({ transactionalId: "payments-1", transactionTimeoutMs: 60_000 });
 * const tx = { transactionalId: "payments-1", producerId, producerEpoch };
 * await coordinator.addPartitions(tx, [{ topic: "payments", partition: 0 }]);
 * // ... transactional batches to payments-0 ...
 * await coordinator.endTxn(tx, true);
 * ```
 */
export class TransactionCoordinator implements TransactionCoordinatorApi {
  #store: TransactionStore;
  #host: TransactionHost;
  #clock: Clock;
  #limits: Limits;
  /** By id, least recently used first. */
  #txns = new Map<string, TransactionMetadata>();
  /** Operations of one id run one at a time, in arrival order. */
  #serial = new KeyedLock();
  /** By id: the Ongoing transaction's timeout. */
  #timeouts: KeyedTimers;
  /** By id: the next try at a Prepare* transaction's markers and offsets. */
  #retries: KeyedTimers;
  /** Per completing transaction (id, producer id, epoch): partitions whose marker is written. */
  #markersWritten = new Map<string, Set<string>>();
  #listeners = new Set<(meta: TransactionMetadata) => void>();
  /** Complete* records, written behind and superseded by the id's next record. */
  #completes: CompleteRecordWriter;
  #loading: Promise<void> | undefined;
  #loaded = false;
  #closed = false;

  constructor(options: TransactionCoordinatorOptions) {
    this.#store = options.store;
    this.#host = options.host;
    this.#clock = options.clock ?? systemClock;
    this.#limits = options.limits ?? defaultLimits;
    const timers = options.timers ?? systemTimers;
    this.#timeouts = new KeyedTimers(timers);
    this.#retries = new KeyedTimers(timers);
    this.#completes = new CompleteRecordWriter(this.#store, timers, this.#limits.transactionCompleteWriteDelayMs);
  }

  /**
   * Reads the stored state and recovers (later calls reuse a load under way or done): Prepare*
   * transactions are completed, Ongoing ones get their timeout. Requests wait for it; a failed
   * load fails them and is tried again by the next.
   */
  load(): Promise<void> {
    this.#loading ??= this.#load().catch((error: unknown) => {
      this.#loading = undefined;
      throw error;
    });
    return this.#loading;
  }

  /** True once the stored state is loaded ({@link checkProduce} needs it). */
  get loaded(): boolean {
    return this.#loaded;
  }

  /** The id's state (a copy), undefined when unknown. */
  describe(transactionalId: string): TransactionMetadata | undefined {
    const meta = this.#txns.get(transactionalId);
    return meta && copyMetadata(meta);
  }

  /** Every known id's state (copies). */
  list(): TransactionMetadata[] {
    return [...this.#txns.values()].map(copyMetadata);
  }

  /** Calls `listener` with every state once it is durable (Complete* once its markers and offsets are); returns the unsubscribe function. */
  onChange(listener: (meta: TransactionMetadata) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * InitProducerId with a transactional id: a new producer id at epoch 0 for an unknown id, else
   * the id's producer at the next epoch, fencing the previous one; an Ongoing transaction of the
   * id is aborted first.
   *
   * @throws {RivuletError} `invalid_request` (bad id), `invalid_transaction_timeout`,
   *   `producer_fenced` (v3+ id/epoch not the current ones), `concurrent_transactions` (the previous
   *   transaction's markers could not be written yet), `forbidden` (another principal owns the id)
   */
  async initProducerId(options: InitProducerIdOptions): Promise<TransactionalIdentity> {
    const { transactionalId: id, transactionTimeoutMs: timeoutMs } = options;
    checkTransactionalId(id, this.#limits);
    checkTransactionTimeout(timeoutMs, this.#limits);
    await this.#ready();
    return this.#serial.run(id, async () => {
      let meta = this.#txns.get(id);
      const now = this.#clock.now();
      if (!meta) {
        this.#makeRoom();
        const producerId = await this.#host.allocateProducerId();
        const fresh: TransactionMetadata = {
          transactionalId: id, producerId, producerEpoch: 0, timeoutMs, state: "Empty", partitions: [], groups: [], offsets: [],
          startedAt: -1, updatedAt: now, lastProducerEpoch: -1, owner: options.principal ?? null,
        };
        await this.#write(fresh);
        return { producerId, producerEpoch: 0 };
      }
      this.#checkOwner(meta, options.principal);
      const givenId = options.producerId ?? -1;
      const givenEpoch = options.producerEpoch ?? -1;
      if (givenId >= 0 && (givenId !== meta.producerId || (givenEpoch !== meta.producerEpoch && givenEpoch !== meta.lastProducerEpoch))) {
        throw producerFenced(id, options.producerEpoch ?? -1, meta);
      }
      if (isPreparing(meta.state)) throw concurrent(id, meta);
      if (meta.state === "Ongoing") {
        meta = await this.#fenceAndAbort(meta, false);
        if (isPreparing(meta.state)) throw concurrent(id, meta);
      }
      const next = copyMetadata(meta);
      if (next.producerEpoch >= PRODUCER_EPOCH_MAX - 1) {
        next.producerId = await this.#host.allocateProducerId();
        next.producerEpoch = 0;
      } else {
        next.producerEpoch++;
      }
      Object.assign(next, { state: "Empty", timeoutMs, partitions: [], groups: [], offsets: [], startedAt: -1, updatedAt: this.#clock.now(), lastProducerEpoch: -1 });
      next.owner ??= options.principal ?? null;
      await this.#write(next);
      return { producerId: next.producerId, producerEpoch: next.producerEpoch };
    });
  }

  /**
   * AddPartitionsToTxn: the partitions join the transaction (starting one when none is open).
   *
   * @throws {RivuletError} `invalid_producer_id_mapping`, `producer_fenced`,
   *   `concurrent_transactions`, `forbidden`, `invalid_request` (over `transactionPartitionsMax`)
   */
  async addPartitions(request: TransactionalRequest, partitions: TopicPartition[]): Promise<void> {
    await this.#ready();
    return this.#serial.run(request.transactionalId, async () => {
      const meta = this.#producer(request);
      const added = partitions.filter((p) => !hasPartition(meta.partitions, p.topic, p.partition));
      const unique = added.filter((p, i) => !hasPartition(added.slice(0, i), p.topic, p.partition));
      await this.#extend(meta, (next) => next.partitions.push(...unique.map(({ topic, partition }) => ({ topic, partition }))), unique.length);
    });
  }

  /**
   * AddOffsetsToTxn: the group's offsets join the transaction (TxnOffsetCommit may then stage them).
   *
   * @throws {RivuletError} as {@link addPartitions}
   */
  async addOffsets(request: TransactionalRequest, groupId: string): Promise<void> {
    await this.#ready();
    return this.#serial.run(request.transactionalId, async () => {
      const meta = this.#producer(request);
      const added = meta.groups.includes(groupId) ? 0 : 1;
      await this.#extend(meta, (next) => added > 0 && next.groups.push(groupId), added);
    });
  }

  /**
   * TxnOffsetCommit: stages offsets of a group added by AddOffsetsToTxn; the group sees them
   * once the transaction commits.
   *
   * @param member the consumer sending them (v3+): checked against the group's generation
   * @throws {RivuletError} `invalid_txn_state` (no Ongoing transaction, or the group was not
   *   added), `invalid_offset`, `invalid_request` (metadata too long), `unknown_member` /
   *   `illegal_generation` (a consumer not of the current generation), and as {@link addPartitions}
   */
  async txnOffsetCommit(request: TransactionalRequest, groupId: string, offsets: OffsetCommitEntry[], member?: TransactionGroupMember): Promise<void> {
    checkTxnOffsets(offsets, this.#limits);
    await this.#ready();
    if (member) await this.#host.checkGroupMember(groupId, member.generationId, member.memberId, offsets);
    return this.#serial.run(request.transactionalId, async () => {
      const meta = this.#producer(request);
      if (meta.state !== "Ongoing" || !meta.groups.includes(groupId)) throw invalidState(request.transactionalId, `commit offsets of group "${groupId}" (add it with AddOffsetsToTxn first)`, meta);
      const next = copyMetadata(meta);
      stageOffsets(next, groupId, offsets);
      if (next.offsets.length > this.#limits.transactionPartitionsMax) throw tooManyPartitions(this.#limits);
      next.updatedAt = this.#clock.now();
      await this.#write(next);
    });
  }

  /**
   * EndTxn: commits or aborts the Ongoing transaction. Resolves once the decision is durable and
   * a first attempt at the markers (and, on commit, the offsets) is made; markers that could not
   * be written are retried every `transactionMarkerRetryMs` until written. A retry of the same
   * EndTxn after completion succeeds.
   *
   * @throws {RivuletError} `invalid_txn_state` (nothing open, or the other outcome under way),
   *   `concurrent_transactions` (this outcome still writing its markers), and as {@link addPartitions}
   */
  async endTxn(request: TransactionalRequest, commit: boolean): Promise<void> {
    await this.#ready();
    return this.#serial.run(request.transactionalId, async () => {
      const id = request.transactionalId;
      const timedOut = this.#txns.get(id);
      // KIP-360: the producer whose transaction timed out aborts it too; that abort is done.
      if (!commit && timedOut?.state === "CompleteAbort" && timedOut.producerId === request.producerId && request.producerEpoch === timedOut.lastProducerEpoch) {
        this.#checkOwner(timedOut, request.principal);
        return;
      }
      const meta = this.#producer(request);
      const wanted = commit ? "Commit" : "Abort";
      if (meta.state === `Complete${wanted}`) return;
      if (meta.state === `Prepare${wanted}`) throw concurrent(id, meta);
      if (meta.state !== "Ongoing") throw invalidState(id, commit ? "commit" : "abort", meta);
      this.#timeouts.cancel(id);
      const next = copyMetadata(meta);
      next.state = commit ? "PrepareCommit" : "PrepareAbort";
      next.updatedAt = this.#clock.now();
      await this.#write(next);
      await this.#completeOrRetry(id);
    });
  }

  /**
   * KIP-890's check of a transactional batch before it is appended: its producer must hold the
   * id at that epoch, with the partition in its Ongoing transaction. Synchronous, so a produce
   * keeps its order; call after {@link load} resolved ({@link loaded}).
   *
   * @throws {RivuletError} `invalid_producer_id_mapping`, `producer_fenced`, `invalid_txn_state`, `forbidden`
   */
  checkProduce(request: TransactionalRequest, topic: string, partition: number): void {
    const meta = this.#producer(request);
    if (meta.state !== "Ongoing" || !hasPartition(meta.partitions, topic, partition)) {
      throw invalidState(request.transactionalId, `produce to ${topic}-${partition} (not added to its transaction)`, meta);
    }
  }

  /** {@link checkProduce}: this coordinator is the only one. */
  verifyHere(request: TransactionalRequest, topic: string, partition: number): void {
    this.checkProduce(request, topic, partition);
  }

  /**
   * Stops timers and refuses further requests (`not_coordinator`); transactions stay as stored
   * and recover on the next load (by this broker or the partition's next leader), those whose
   * Complete* record was still waiting (complete-record-writer.ts) completed again there.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#timeouts.clear();
    this.#retries.clear();
    await this.#serial.settled();
    await this.#completes.close();
  }

  async #load(): Promise<void> {
    const stored = await this.#store.load();
    for (const meta of stored) this.#txns.set(meta.transactionalId, { ...meta, lastProducerEpoch: meta.lastProducerEpoch ?? -1 });
    this.#loaded = true;
    for (const meta of this.#txns.values()) {
      if (isPreparing(meta.state)) void this.#serial.run(meta.transactionalId, () => this.#completeOrRetry(meta.transactionalId));
      else if (meta.state === "Ongoing") this.#armTimeout(meta);
    }
  }

  async #ready(): Promise<void> {
    if (this.#closed) throw notCoordinator();
    if (!this.#loaded) await this.load();
  }

  /** The id's metadata after checking that the request's producer holds it. */
  #producer(request: TransactionalRequest): TransactionMetadata {
    if (this.#closed) throw notCoordinator();
    const meta = this.#txns.get(request.transactionalId);
    if (!meta || meta.producerId !== request.producerId) throw unknownProducerMapping(request.transactionalId, request.producerId);
    this.#checkOwner(meta, request.principal);
    if (request.producerEpoch !== meta.producerEpoch) throw producerFenced(request.transactionalId, request.producerEpoch, meta);
    return meta;
  }

  /** Adds to the transaction (`added` new members), starting it when none is open. */
  async #extend(meta: TransactionMetadata, add: (next: TransactionMetadata) => unknown, added: number): Promise<void> {
    if (isPreparing(meta.state)) throw concurrent(meta.transactionalId, meta);
    if (meta.state === "Ongoing" && added === 0) return;
    if (meta.partitions.length + meta.groups.length + added > this.#limits.transactionPartitionsMax) throw tooManyPartitions(this.#limits);
    const next = copyMetadata(meta);
    add(next);
    const now = this.#clock.now();
    if (next.state !== "Ongoing") Object.assign(next, { state: "Ongoing", startedAt: now });
    next.updatedAt = now;
    await this.#write(next);
    if (meta.state !== "Ongoing") this.#armTimeout(next);
  }

  /**
   * Bumps the epoch of an Ongoing transaction and aborts it under the new epoch; returns the
   * state reached. `timedOut`: the coordinator's own abort, which the fenced producer may
   * acknowledge and recover from (KIP-360); else a new producer took the id.
   */
  async #fenceAndAbort(meta: TransactionMetadata, timedOut: boolean): Promise<TransactionMetadata> {
    const id = meta.transactionalId;
    this.#timeouts.cancel(id);
    const next = copyMetadata(meta);
    next.producerEpoch = Math.min(meta.producerEpoch + 1, PRODUCER_EPOCH_MAX);
    next.lastProducerEpoch = timedOut ? meta.producerEpoch : -1;
    next.state = "PrepareAbort";
    next.updatedAt = this.#clock.now();
    await this.#write(next);
    await this.#completeOrRetry(id);
    return this.#txns.get(id)!;
  }

  /** Completes a Prepare* transaction, or schedules another try when its markers or offsets fail. */
  async #completeOrRetry(id: string): Promise<void> {
    const meta = this.#txns.get(id);
    if (!meta || !isPreparing(meta.state) || this.#closed) return;
    this.#retries.cancel(id);
    try {
      await this.#complete(meta);
    } catch {
      if (this.#closed) return;
      this.#retries.set(id, () => void this.#serial.run(id, () => this.#completeOrRetry(id)), this.#limits.transactionMarkerRetryMs);
    }
  }

  /** The outcome's markers and offsets (transaction-outcome.ts), then Complete*. */
  async #complete(meta: TransactionMetadata): Promise<void> {
    // Partitions whose marker is written are not written again by a retry (after a restart
    // they are: a repeated marker changes nothing).
    const key = `${meta.transactionalId}\0${meta.producerId}\0${meta.producerEpoch}`;
    const written = this.#markersWritten.get(key) ?? new Set<string>();
    this.#markersWritten.set(key, written);
    await writeOutcome(this.#host, meta, written);
    this.#markersWritten.delete(key);
    const next = copyMetadata(meta);
    Object.assign(next, { state: meta.state === "PrepareCommit" ? "CompleteCommit" : "CompleteAbort", partitions: [], groups: [], offsets: [], startedAt: -1, updatedAt: this.#clock.now() });
    this.#show(next);
    this.#completes.writeLater(next); // visible now, written behind (complete-record-writer.ts)
  }

  /** Expires the Ongoing transaction `delayMs` from now (by default: its timeout, from its start), in the id's turn. */
  #armTimeout(meta: TransactionMetadata, delayMs = meta.startedAt + meta.timeoutMs - this.#clock.now()): void {
    const { transactionalId: id, producerId, producerEpoch } = meta;
    this.#timeouts.set(id, () => void this.#serial.run(id, () => this.#expire(id, producerId, producerEpoch)), delayMs);
  }

  /** Aborts a transaction that outlived its timeout, fencing its producer; tries again later when the store fails. */
  async #expire(id: string, producerId: number, producerEpoch: number): Promise<void> {
    const meta = this.#txns.get(id);
    if (this.#closed || !meta || meta.state !== "Ongoing" || meta.producerId !== producerId || meta.producerEpoch !== producerEpoch) return;
    try {
      await this.#fenceAndAbort(meta, true);
    } catch {
      if (this.#closed) return;
      this.#armTimeout(meta, this.#limits.transactionMarkerRetryMs);
    }
  }

  /** Durable first, then visible (and most recently used); an unwritten Complete* of the id is superseded. */
  async #write(meta: TransactionMetadata): Promise<void> {
    this.#completes.supersede(meta.transactionalId);
    await this.#store.write([meta]);
    this.#show(meta);
  }

  #show(meta: TransactionMetadata): void {
    this.#txns.delete(meta.transactionalId);
    this.#txns.set(meta.transactionalId, meta);
    for (const listener of this.#listeners) listener(copyMetadata(meta));
  }

  #checkOwner(meta: TransactionMetadata, principal: TransactionPrincipal): void {
    if (principal !== undefined && meta.owner !== null && meta.owner !== principal) throw notOwner(meta.transactionalId, principal);
  }

  /** Forgets least recently used finished ids (tombstones, not awaited) to stay under `transactionalIdsMax`. */
  #makeRoom(): void {
    const max = this.#limits.transactionalIdsMax;
    if (this.#txns.size < max) return;
    const forgotten: string[] = [];
    for (const [id, meta] of this.#txns) {
      if (this.#txns.size < max) break;
      if (this.#serial.has(id) || (meta.state !== "Empty" && meta.state !== "CompleteCommit" && meta.state !== "CompleteAbort")) continue;
      this.#txns.delete(id);
      this.#completes.supersede(id); // its tombstone takes the place of its last record
      forgotten.push(id);
    }
    if (this.#txns.size >= max) throw tooManyIds(max);
    this.#store.write(forgotten).catch(noop);
  }
}

function noop(): void {}
