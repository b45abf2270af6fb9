/**
 * The follower's side of replication over the Kafka listener: {@link connectToLeader} implements
 * the cluster floor's {@link LeaderConnector} with real Kafka requests (Fetch v11 with
 * replica_id, OffsetForLeaderEpoch v3), after a SASL login when credentials are given.
 * server/serve.ts hands it to the replica manager.
 *
 * Kafka error codes in answers become Rivulet error codes (the inverse of
 * `protocol/error-codes.ts` for the codes a leader sends a follower); a top-level Fetch error
 * fails every partition of the request with it.
 */
import { defaultLimits } from "../core/limits.ts";
import type { ErrorCode } from "../core/errors.ts";
import type { EpochAnswer, LeaderConnection, LeaderConnector, ReplicaFetchResult } from "../cluster/replication/leader-connection.ts";
import { apiKeys } from "./protocol/api-keys.ts";
import { kafkaErrors } from "./protocol/error-codes.ts";
import { decodeFetchResponse, encodeFetchRequest, fetchClientVersion } from "./replica-client/fetch-v11-client.ts";
import { decodeEpochResponse, encodeEpochRequest, offsetsForLeaderEpochClientVersion } from "./replica-client/offsets-for-leader-epoch-v3-client.ts";
import { brokerTls, LeaderSocket } from "./replica-client/leader-socket.ts";
import { saslLogin } from "./replica-client/sasl-client.ts";

/** Kafka error codes a follower acts on, as Rivulet codes; any other is `partition_unavailable` (retry later). */
const rivuletCodes = new Map<number, ErrorCode>([
  [kafkaErrors.OFFSET_OUT_OF_RANGE, "offset_out_of_range"],
  [kafkaErrors.UNKNOWN_TOPIC_OR_PARTITION, "unknown_partition"],
  [kafkaErrors.NOT_LEADER_OR_FOLLOWER, "not_leader"],
  [kafkaErrors.FENCED_LEADER_EPOCH, "fenced_leader_epoch"],
  [kafkaErrors.UNKNOWN_LEADER_EPOCH, "unknown_leader_epoch"],
  [kafkaErrors.REQUEST_TIMED_OUT, "timeout"],
  [kafkaErrors.KAFKA_STORAGE_ERROR, "storage_error"],
  [kafkaErrors.CORRUPT_MESSAGE, "corrupt_record"],
  [kafkaErrors.CLUSTER_AUTHORIZATION_FAILED, "forbidden"],
  [kafkaErrors.TOPIC_AUTHORIZATION_FAILED, "forbidden"],
]);

function codeOf(kafkaCode: number): ErrorCode | null {
  if (kafkaCode === kafkaErrors.NONE) return null;
  return rivuletCodes.get(kafkaCode) ?? "partition_unavailable";
}

/**
 * A {@link LeaderConnector} for a cluster whose Kafka listeners speak TLS (`serve --tls-cert`):
 * followers connect over TLS, trusting the system's root certificates and `trust` (the
 * broker's own certificate: the cluster's brokers share one, or certificates from one CA).
 *
 * @example
 * ```ts
 * const connect = tlsLeaderConnector(readFileSync("cert.pem", "utf8"));
 * ```
 */
export function tlsLeaderConnector(trust: string): LeaderConnector {
  const tls = brokerTls(trust);
  return (endpoint, options) => open(endpoint, options, tls);
}

/**
 * Opens a connection to a leader's Kafka listener (plain TCP), logs in when `credentials` are
 * given, and returns the follower's view of it.
 *
 * @throws {RivuletError} `partition_unavailable` / `timeout` (no connection), `unauthorized` (login refused)
 * @example
 * ```ts
 * const leader = await connectToLeader({ host: "127.0.0.1", port: 9093 }, { requestTimeoutMs: 30_000, clientId: "rivulet-replica-2" });
 * const [answer] = await leader.endOffsets(2, [{ topic: "orders", partition: 0, currentLeaderEpoch: 3, leaderEpoch: 2 }]);
 * ```
 */
export const connectToLeader: LeaderConnector = (endpoint, options) => open(endpoint, options, undefined);

async function open(endpoint: Parameters<LeaderConnector>[0], options: Parameters<LeaderConnector>[1], tls: { ca: string[] } | undefined): Promise<LeaderConnection> {
  const frameBytesMax = Math.max(defaultLimits.replicaFetchResponseBytesMax, defaultLimits.fetchBytesMax) + 1024 * 1024;
  const socket = await LeaderSocket.open(endpoint, { timeoutMs: options.requestTimeoutMs, frameBytesMax, clientId: options.clientId, tls });
  try {
    if (options.credentials) await saslLogin(socket, options.credentials, options.requestTimeoutMs);
  } catch (error) {
    socket.close();
    throw error;
  }
  return new KafkaLeaderConnection(socket, options.requestTimeoutMs);
}

class KafkaLeaderConnection implements LeaderConnection {
  #socket: LeaderSocket;
  #timeoutMs: number;

  constructor(socket: LeaderSocket, timeoutMs: number) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
  }

  async fetch(request: Parameters<LeaderConnection["fetch"]>[0]): Promise<ReplicaFetchResult[]> {
    const reader = await this.#socket.request(apiKeys.Fetch, fetchClientVersion, (w) => encodeFetchRequest(w, request), this.#timeoutMs + request.maxWaitMs);
    const response = decodeFetchResponse(reader);
    const topLevel = codeOf(response.errorCode);
    return response.partitions.map((p) => ({
      topic: p.topic,
      partition: p.partition,
      error: topLevel ?? codeOf(p.errorCode),
      highWatermark: p.highWatermark,
      logStartOffset: p.logStartOffset,
      records: p.records,
    }));
  }

  async endOffsets(replicaId: number, queries: Parameters<LeaderConnection["endOffsets"]>[1]): Promise<EpochAnswer[]> {
    const reader = await this.#socket.request(apiKeys.OffsetForLeaderEpoch, offsetsForLeaderEpochClientVersion, (w) => encodeEpochRequest(w, replicaId, queries), this.#timeoutMs);
    return decodeEpochResponse(reader).map((a) => ({ topic: a.topic, partition: a.partition, error: codeOf(a.errorCode), leaderEpoch: a.leaderEpoch, endOffset: a.endOffset }));
  }

  close(): void {
    this.#socket.close();
  }
}
