/**
 * The transaction coordinator's connections to other brokers (Kafka's
 * TransactionMarkerChannelManager): WriteTxnMarkers (API 27) to a partition's leader, and
 * KIP-890's verification (AddPartitionsToTxn v4 with `verify_only`) from a partition leader to a
 * transactional id's coordinator. One connection per broker, opened on first use (with a SASL
 * login when credentials are given), dropped on any failure and opened again by the next request.
 * server/serve.ts hands it to the clustered broker; the cluster floor decides where to send.
 *
 * Kafka error codes in answers become Rivulet error codes (`not_leader`, `invalid_producer_epoch`,
 * ...); a lost connection or a timeout rejects the whole request (the coordinator retries).
 */
import { defaultLimits } from "../core/limits.ts";
import type { ErrorCode } from "../core/errors.ts";
import type { TxnMarker } from "../broker/types.ts";
import type { ReplicationCredentials } from "../cluster/replication/leader-connection.ts";
import type { TxnInterBroker, TxnVerification } from "../cluster/node/txn-inter-broker.ts";
import { apiKeys } from "./protocol/api-keys.ts";
import { kafkaErrors } from "./protocol/error-codes.ts";
import { decodeResponse as decodeMarkersResponse, encodeRequest as encodeMarkersRequest } from "./protocol/write-txn-markers/v0.ts";
import { decodeVerifyResponse, encodeVerifyRequest, verifyVersion } from "./protocol/add-partitions-to-txn/v4.ts";
import { decodeResponse as decodeOffsetsResponse, encodeRequest as encodeOffsetsRequest } from "./protocol/txn-offset-commit/v3.ts";
import type { OffsetCommitEntry } from "../broker/group-api.ts";
import type { TransactionalRequest } from "../transactions/transaction-coordinator.ts";
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
   * Forwards a transaction's offsets, checked by this broker as the group's coordinator, to the
   * transactional id's coordinator at `endpoint` (TxnOffsetCommit v3, generation -1: the member
   * was checked here); null when staged, else the first partition's error.
   */
  async txnOffsetCommit(endpoint: { host: string; port: number }, request: TransactionalRequest, groupId: string, offsets: OffsetCommitEntry[]): Promise<ErrorCode | null> {
    const topics = new Map<string, OffsetCommitEntry[]>();
    for (const o of offsets) topics.set(o.topic, [...(topics.get(o.topic) ?? []), o]);
    const body = {
      transactionalId: request.transactionalId, groupId, producerId: request.producerId, producerEpoch: request.producerEpoch,
      generationId: -1, memberId: "", groupInstanceId: null,
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
