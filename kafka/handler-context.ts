/**
 * What a Kafka request handler sees: the broker, this broker's identity as the client reaches
 * it, and who is asking. Handlers are pure mappings from a decoded request to BrokerApi /
 * GroupCoordinatorApi calls and back to a response; they catch every RivuletError and turn it
 * into a Kafka error code, so only a programmer error escapes (and closes the connection).
 */
import type { Principal } from "../auth/rights.ts";
import type { BrokerApi } from "../broker/types.ts";
import type { TransactionCoordinatorApi } from "../transactions/transaction-coordinator.ts";
import type { ClusterView } from "../cluster/node/cluster-view.ts";
import type { ImplementedApi, RequestOf, ResponseOf } from "./protocol/apis.ts";

/** The broker as the listener uses it: BrokerApi plus producer ids when the broker has them. */
export interface KafkaBroker extends BrokerApi {
  /** A new id for an idempotent producer (Kafka's InitProducerId). */
  allocateProducerId?(): Promise<number>;
  /**
   * OffsetForLeaderEpoch: the largest epoch ≤ `leaderEpoch` the partition knows and where it
   * ends, after checking `currentLeaderEpoch` (-1 = not given) against the partition's.
   */
  endOffsetForEpoch?(topic: string, partition: number, leaderEpoch: number, currentLeaderEpoch: number): Promise<{ epoch: number; endOffset: number }>;
  /** The transaction coordinator, when the broker has one (the public `Broker` of transactions/broker.ts). */
  readonly transactions?: TransactionCoordinatorApi;
}

/** Per-request context. */
export interface HandlerContext {
  broker: KafkaBroker;
  /** This broker's node id in Metadata and FindCoordinator. */
  nodeId: number;
  /** Host and port as the client reached them (the connection's local address), or as configured. */
  host: string;
  port: number;
  clientId: string | null;
  /** The client's address, for DescribeGroups. */
  clientHost: string;
  /** Create unknown topics asked for in Metadata (when the client allows it). */
  autoCreateTopics: boolean;
  /** Partitions of topics created with num_partitions -1 or auto-created. */
  defaultPartitions: number;
  /**
   * Who is asking: the principal the connection authenticated as (SASL), or null when the
   * listener runs without an auth file (everything allowed).
   */
  principal: Principal | null;
  /**
   * The cluster this broker is in (Metadata lists its brokers and each partition's real leader,
   * replicas and ISR); absent when the broker runs alone.
   */
  cluster?: ClusterView;
}

/**
 * Handles one decoded request of API `N`.
 *
 * @returns the response, or null when none is sent (Produce with acks=0)
 */
export type Handler<N extends ImplementedApi> = (ctx: HandlerContext, request: RequestOf<N>, version: number) => Promise<ResponseOf<N> | null>;
