/**
 * The transaction coordinator's connections to other brokers (Kafka's
 * TransactionMarkerChannelManager): WriteTxnMarkers (API 27) to a partition's leader, and
 * KIP-890's verification (AddPartitionsToTxn v4 with `verify_only`) from a partition leader to a
 * transactional id's coordinator; and, for a programmatic transactional producer on this broker,
 * its requests to a coordinator on another (InitProducerId, AddPartitionsToTxn, AddOffsetsToTxn,
 * EndTxn, TxnOffsetCommit to the group's coordinator, Produce to a partition's leader), as a
 * Kafka client sends them. One connection per broker, opened on first use (with a SASL
 * login when credentials are given), dropped on any failure and opened again by the next request.
 * server/serve.ts hands it to the clustered broker; the cluster floor decides where to send.
 *
 * Kafka error codes in answers become Rivulet error codes (`not_leader`, `invalid_producer_epoch`,
 * ...); a lost connection or a timeout rejects the whole request (the coordinator retries).
 */
import { defaultLimits } from "../core/limits.ts";
import { type ErrorCode, RivuletError } from "../core/errors.ts";
import type { AppendBatchResult, TxnMarker } from "../broker/types.ts";
import { readBatchHeader } from "../record/batch-header.ts";
import { decodeResponse as decodeProduceResponse, encodeRequest as encodeProduceRequest } from "./protocol/produce/v5.ts";
import type { ReplicationCredentials } from "../cluster/replication/leader-connection.ts";
import type { TxnInterBroker, TxnVerification } from "../cluster/node/txn-inter-broker.ts";
import { apiKeys } from "./protocol/api-keys.ts";
import { kafkaErrors } from "./protocol/error-codes.ts";
import { decodeResponse as decodeMarkersResponse, encodeRequest as encodeMarkersRequest } from "./protocol/write-txn-markers/v0.ts";
import { decodeVerifyResponse, encodeVerifyRequest, verifyVersion } from "./protocol/add-partitions-to-txn/v4.ts";
import { decodeResponse as decodeOffsetsResponse, encodeRequest as encodeOffsetsRequest } from "./protocol/txn-offset-commit/v3.ts";
import { decodeResponse as decodeInitResponse, encodeRequest as encodeInitRequest } from "./protocol/init-producer-id/v0.ts";
import { decodeResponse as decodeAddPartitionsResponse, encodeRequest as encodeAddPartitionsRequest } from "./protocol/add-partitions-to-txn/v0.ts";
import { decodeResponse as decodeAddOffsetsResponse, encodeRequest as encodeAddOffsetsRequest } from "./protocol/add-offsets-to-txn/v0.ts";
import { decodeResponse as decodeEndTxnResponse, encodeRequest as encodeEndTxnRequest } from "./protocol/end-txn/v0.ts";
import type { OffsetCommitEntry, TopicPartition } from "../broker/group-api.ts";
import type { TransactionalIdentity, TransactionalRequest, TransactionGroupMember } from "../transactions/transaction-coordinator.ts";
import { LeaderSocket } from "./replica-client/leader-socket.ts";
import { saslLogin } from "./replica-client/sasl-client.ts";

/** Kafka error codes a coordinator or partition leader answers, as Rivulet codes; any other is `partition_unavailable` (retry). */
const rivuletCodes = new Map<number, ErrorCode>([
  [kafkaErrors.NOT_LEADER_OR_FOLLOWER, "not_leader"],
  [kafkaErrors.UNKNOWN_TOPIC_OR_PARTITION, "unknown_partition"],
  [kafkaErrors.INVALID_PRODUCER_EPOCH, "invalid_producer_epoch"],
  [kafkaErrors.PRODUCER_FENCED, "producer_fenced"],
  [kafkaErrors.INVALID_PRODUCER_ID_MAPPING, "invalid_producer_id_mapping"],
  [kafkaErrors.INVALID_TXN_STATE, "invalid_txn_state"],
  [kafkaErrors.NOT_COORDINATOR, "not_coordinator"],
  [kafkaErrors.COORDINATOR_NOT_AVAILABLE, "not_coordinator"],
  [kafkaErrors.COORDINATOR_LOAD_IN_PROGRESS, "not_coordinator"],
  [kafkaErrors.CONCURRENT_TRANSACTIONS, "concurrent_transactions"],
  [kafkaErrors.TRANSACTION_COORDINATOR_FENCED, "transaction_coordinator_fenced"],
  [kafkaErrors.NOT_ENOUGH_REPLICAS, "not_enough_replicas"],
  [kafkaErrors.NOT_ENOUGH_REPLICAS_AFTER_APPEND, "not_enough_replicas_after_append"],
  [kafkaErrors.REQUEST_TIMED_OUT, "timeout"],
  [kafkaErrors.KAFKA_STORAGE_ERROR, "storage_error"],
  [kafkaErrors.CLUSTER_AUTHORIZATION_FAILED, "forbidden"],
  [kafkaErrors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, "forbidden"],
  [kafkaErrors.TOPIC_AUTHORIZATION_FAILED, "forbidden"],
  [kafkaErrors.GROUP_AUTHORIZATION_FAILED, "forbidden"],
  [kafkaErrors.INVALID_REQUEST, "invalid_request"],
  [kafkaErrors.INVALID_TRANSACTION_TIMEOUT, "invalid_transaction_timeout"],
  [kafkaErrors.UNKNOWN_MEMBER_ID, "unknown_member"],
  [kafkaErrors.ILLEGAL_GENERATION, "illegal_generation"],
  [kafkaErrors.OFFSET_OUT_OF_RANGE, "invalid_offset"],
  [kafkaErrors.REBALANCE_IN_PROGRESS, "rebalance_in_progress"],
]);

function codeOf(kafkaCode: number): ErrorCode | null {
  if (kafkaCode === kafkaErrors.NONE) return null;
  return rivuletCodes.get(kafkaCode) ?? "partition_unavailable";
}

/** Options of {@link TxnMarkerChannel}. */
export interface TxnMarkerChannelOptions {
  /** This broker's id, in its client id. */
  brokerId: number;
  /** SASL credentials when the brokers' listeners require a login. */
  credentials?: ReplicationCredentials;
  /** The certificates to trust when the brokers' listeners speak TLS (see `brokerTls`); plain TCP without. */
  tls?: { ca: string[] };
  /** Longest wait for a connection or an answer (default `replicaRequestTimeoutMs`). */
  requestTimeoutMs?: number;
}

/**
 * Broker-to-broker transaction requests over the Kafka listener.
 *
 * @example
 * ```ts
 * const channel = new TxnMarkerChannel({ brokerId: 1 });
 * const [error] = await channel.writeTxnMarkers({ host: "127.0.0.1", port: 9094 }, [marker]);
 * ```
 */
export class TxnMarkerChannel implements TxnInterBroker {
  readonly #options: Required<Omit<TxnMarkerChannelOptions, "credentials" | "tls">> & Pick<TxnMarkerChannelOptions, "credentials" | "tls">;
  readonly #sockets = new Map<string, Promise<LeaderSocket>>();
  #closed = false;

  constructor(options: TxnMarkerChannelOptions) {
    this.#options = { requestTimeoutMs: defaultLimits.replicaRequestTimeoutMs, ...options };
  }

  /** Writes `markers` at the broker `endpoint` (their partitions' leader); one answer per marker, null when written. */
  async writeTxnMarkers(endpoint: { host: string; port: number }, markers: TxnMarker[]): Promise<Array<ErrorCode | null>> {
    const request = {
      markers: markers.map((m) => ({
        producerId: m.producerId, producerEpoch: m.producerEpoch, committed: m.commit, coordinatorEpoch: m.coordinatorEpoch,
        topics: [{ name: m.topic, partitions: [m.partition] }],
      })),
    };
    const reader = await this.#request(endpoint, apiKeys.WriteTxnMarkers, 0, (w) => encodeMarkersRequest(w, request));
    const answer = decodeMarkersResponse(reader);
    return markers.map((m, i) => {
      const partition = answer.markers[i]?.topics.find((t) => t.name === m.topic)?.partitions.find((p) => p.partitionIndex === m.partition);
      return partition ? codeOf(partition.errorCode) : "partition_unavailable";
    });
  }

  /** Asks the coordinator at `endpoint` whether the partition is in the producer's ongoing transaction; null when it is. */
  async verify(endpoint: { host: string; port: number }, verification: TxnVerification): Promise<ErrorCode | null> {
    const reader = await this.#request(endpoint, apiKeys.AddPartitionsToTxn, verifyVersion, (w) => encodeVerifyRequest(w, verification));
    const answer = decodeVerifyResponse(reader);
    if (answer.errorCode !== kafkaErrors.NONE) return codeOf(answer.errorCode);
    const code = answer.transactions.find((t) => t.transactionalId === verification.transactionalId)
      ?.topics.find((t) => t.name === verification.topic)?.partitions.find((p) => p.partitionIndex === verification.partition)?.errorCode;
    return code === undefined ? "partition_unavailable" : codeOf(code);
  }

  /**
   * TxnOffsetCommit v3 at `endpoint`: the offsets of a transaction, checked by this broker as the
   * group's coordinator, forwarded to the transactional id's coordinator (no `member`: generation
   * -1, the member was checked here), or a programmatic producer's offsets sent to the group's
   * coordinator (with the sending consumer's `member` when it gave one); null when taken, else
   * the first partition's error.
   */
  async txnOffsetCommit(endpoint: { host: string; port: number }, request: TransactionalRequest, groupId: string, offsets: OffsetCommitEntry[], member?: TransactionGroupMember): Promise<ErrorCode | null> {
    const topics = new Map<string, OffsetCommitEntry[]>();
    for (const o of offsets) topics.set(o.topic, [...(topics.get(o.topic) ?? []), o]);
    const body = {
      transactionalId: request.transactionalId, groupId, producerId: request.producerId, producerEpoch: request.producerEpoch,
      generationId: member?.generationId ?? -1, memberId: member?.memberId ?? "", groupInstanceId: null,
      topics: [...topics].map(([name, list]) => ({
        name,
        partitions: list.map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: o.metadata ?? null })),
      })),
    };
    const reader = await this.#request(endpoint, apiKeys.TxnOffsetCommit, 3, (w) => encodeOffsetsRequest(w, body));
    for (const topic of decodeOffsetsResponse(reader).topics) {
      for (const p of topic.partitions) if (p.errorCode !== kafkaErrors.NONE) return codeOf(p.errorCode);
    }
    return null;
  }

  /** InitProducerId v0 at the transactional id's coordinator; see TxnInterBroker.initProducerId. */
  async initProducerId(endpoint: { host: string; port: number }, transactionalId: string, transactionTimeoutMs: number): Promise<TransactionalIdentity> {
    const answer = decodeInitResponse(await this.#clientRequest(endpoint, apiKeys.InitProducerId, (w) => encodeInitRequest(w, { transactionalId, transactionTimeoutMs })));
    failOn(answer.errorCode, `InitProducerId of "${transactionalId}"`, { transactionalId });
    return { producerId: answer.producerId, producerEpoch: answer.producerEpoch };
  }

  /** AddPartitionsToTxn v0 at the transactional id's coordinator; the first partition's error is thrown. */
  async addPartitions(endpoint: { host: string; port: number }, request: TransactionalRequest, partitions: TopicPartition[]): Promise<void> {
    const topics = new Map<string, number[]>();
    for (const p of partitions) topics.set(p.topic, [...(topics.get(p.topic) ?? []), p.partition]);
    const body = { transactionalId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch, topics: [...topics].map(([name, list]) => ({ name, partitions: list })) };
    const answer = decodeAddPartitionsResponse(await this.#clientRequest(endpoint, apiKeys.AddPartitionsToTxn, (w) => encodeAddPartitionsRequest(w, body)));
    for (const topic of answer.results) {
      for (const p of topic.partitions) failOn(p.errorCode, `AddPartitionsToTxn of "${request.transactionalId}" for ${topic.name}/${p.partitionIndex}`, { transactionalId: request.transactionalId, topic: topic.name, partition: p.partitionIndex });
    }
  }

  /** AddOffsetsToTxn v0 at the transactional id's coordinator. */
  async addOffsets(endpoint: { host: string; port: number }, request: TransactionalRequest, groupId: string): Promise<void> {
    const body = { transactionalId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch, groupId };
    const answer = decodeAddOffsetsResponse(await this.#clientRequest(endpoint, apiKeys.AddOffsetsToTxn, (w) => encodeAddOffsetsRequest(w, body)));
    failOn(answer.errorCode, `AddOffsetsToTxn of "${request.transactionalId}" for group "${groupId}"`, { transactionalId: request.transactionalId, group: groupId });
  }

  /** EndTxn v0 at the transactional id's coordinator. */
  async endTxn(endpoint: { host: string; port: number }, request: TransactionalRequest, commit: boolean): Promise<void> {
    const body = { transactionalId: request.transactionalId, producerId: request.producerId, producerEpoch: request.producerEpoch, committed: commit };
    const answer = decodeEndTxnResponse(await this.#clientRequest(endpoint, apiKeys.EndTxn, (w) => encodeEndTxnRequest(w, body)));
    failOn(answer.errorCode, `EndTxn (${commit ? "commit" : "abort"}) of "${request.transactionalId}"`, { transactionalId: request.transactionalId });
  }

  /**
   * Produce v5 of one transactional batch at its partition's leader (acks=all), with the
   * producer's transactional id, so the leader checks it with the id's coordinator (KIP-890) as it
   * does any client's.
   *
   * @throws {RivuletError} the leader's answer as a Rivulet code (`not_leader`,
   *   `not_enough_replicas` while the coordinator's verdict is pending, `invalid_txn_state`, ...);
   *   `partition_unavailable` when the broker cannot be reached (retry at the leader of the moment)
   */
  async produce(endpoint: { host: string; port: number }, transactionalId: string, topic: string, partition: number, batch: Uint8Array): Promise<AppendBatchResult> {
    const body = { transactionalId, acks: -1, timeoutMs: this.#options.requestTimeoutMs, topics: [{ name: topic, partitions: [{ index: partition, records: batch }] }] };
    let reader;
    try {
      reader = await this.#request(endpoint, apiKeys.Produce, 5, (w) => encodeProduceRequest(w, body));
    } catch (error) {
      throw new RivuletError("partition_unavailable", `broker ${endpoint.host}:${endpoint.port} did not answer a produce to ${topic}/${partition}: ${error instanceof Error ? error.message : String(error)}`, { topic, partition });
    }
    const answer = decodeProduceResponse(reader).topics.find((t) => t.name === topic)?.partitions.find((p) => p.index === partition);
    if (!answer) throw new RivuletError("partition_unavailable", `broker ${endpoint.host}:${endpoint.port} did not answer for ${topic}/${partition}`, { topic, partition });
    failOn(answer.errorCode, `a transactional batch of "${transactionalId}" for ${topic}/${partition}`, { topic, partition });
    const lastOffsetDelta = readBatchHeader(batch).lastOffsetDelta;
    return { baseOffset: answer.baseOffset, lastOffset: answer.baseOffset + lastOffsetDelta, logAppendTime: answer.logAppendTimeMs, logStartOffset: answer.logStartOffset };
  }

  /** Drops every connection. */
  close(): void {
    this.#closed = true;
    for (const socket of this.#sockets.values()) socket.then((s) => s.close(), () => {});
    this.#sockets.clear();
  }

  async #request(endpoint: { host: string; port: number }, apiKey: number, version: number, body: Parameters<LeaderSocket["request"]>[2]) {
    const key = `${endpoint.host}:${endpoint.port}`;
    const opening = this.#connection(key, endpoint);
    try {
      return await (await opening).request(apiKey, version, body, this.#options.requestTimeoutMs);
    } catch (error) {
      // a failed connection is opened again by the next request
      if (this.#sockets.get(key) === opening) this.#sockets.delete(key);
      opening.then((s) => s.close(), () => {});
      throw error;
    }
  }

  /** A v0 request of a producer; a broker that cannot be reached or does not answer is `not_coordinator` (find it again). */
  async #clientRequest(endpoint: { host: string; port: number }, apiKey: number, body: Parameters<LeaderSocket["request"]>[2]) {
    try {
      return await this.#request(endpoint, apiKey, 0, body);
    } catch (error) {
      throw new RivuletError("not_coordinator", `broker ${endpoint.host}:${endpoint.port} did not answer a transaction request: ${error instanceof Error ? error.message : String(error)}`, { host: endpoint.host, port: endpoint.port });
    }
  }

  #connection(key: string, endpoint: { host: string; port: number }): Promise<LeaderSocket> {
    let opening = this.#sockets.get(key);
    if (!opening) {
      const timeoutMs = this.#options.requestTimeoutMs;
      const frameBytesMax = 1024 * 1024;
      opening = LeaderSocket.open(endpoint, { timeoutMs, frameBytesMax, clientId: `rivulet-txn-${this.#options.brokerId}`, tls: this.#options.tls }).then(async (socket) => {
        try {
          if (this.#options.credentials) await saslLogin(socket, this.#options.credentials, timeoutMs);
        } catch (error) {
          socket.close();
          throw error;
        }
        if (this.#closed) socket.close();
        return socket;
      });
      this.#sockets.set(key, opening);
    }
    return opening;
  }
}

/**
 * Throws the Rivulet error a Kafka error code in an answer stands for; nothing for NONE.
 *
 * @throws {RivuletError}
 */
function failOn(kafkaCode: number, what: string, info: Record<string, unknown>): void {
  const code = codeOf(kafkaCode);
  if (code !== null) throw new RivuletError(code, `${what} failed at the other broker (${code})`, info);
}
