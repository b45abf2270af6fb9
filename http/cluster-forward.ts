/**
 * In a cluster, any broker answers every HTTP route (DESIGN §9): a request whose state lives on
 * another broker is forwarded to that broker's HTTP port and its answer streamed back, headers
 * kept (the other broker authenticates the client's own credentials again).
 *
 * Where a request goes ({@link forwardTarget}):
 * - `/v1/topics/{t}/partitions/{p}/…` (fetch, SSE stream, batch append): the leader of p.
 * - An idempotent produce (`POST /v1/topics/{t}/records` with `Producer-Id`) and
 *   `POST /v1/producers`: the owner of the request-producer registry, the leader of
 *   `__request_producers` partition 0 (created cluster-wide on first use). The registry (each
 *   producer's epoch and last request per topic) lives there only, so every broker gives the
 *   same answer; that broker writes each batch at its partition's leader with the producer's
 *   id, epoch and sequence (see ClusteredBroker), and a new owner after a failover reads the
 *   replicated registry again.
 * - `/v1/groups…`: the group coordinator, the leader of `__consumer_offsets` partition 0 (as
 *   Kafka's FindCoordinator answers in a cluster).
 * - `/v1/stream/…` (Durable Streams): the leader of `__ds_streams` partition 0, which serves
 *   every stream (cluster/node/streams-broker.ts).
 * - A plain produce is served here: its records are split by partition and those for partitions
 *   other brokers lead are sent there (http/cluster-produce.ts).
 * A coordinator partition without a leader is waited for up to the delivery timeout, then
 * `partition_unavailable` (503, retriable).
 *
 * With auth on, the client is authenticated here before its request is forwarded.
 *
 * A forwarded request carries `rivulet-forwarded-by: <broker id>` and is never forwarded again,
 * so no loop can form even while two brokers disagree about a leader for a moment.
 */
import type { MiddlewareHandler } from "hono";
import type { ClusterView } from "../cluster/node/cluster-view.ts";
import { forwardedHeader } from "../cluster/node/broker-http.ts";
import type { AppEnv } from "./context.ts";
import type { Authenticator } from "../auth/authenticator.ts";
import { authenticateRequest } from "./authenticate-request.ts";
import { RivuletError, isRivuletError } from "../core/errors.ts";
import type { BrokerApi } from "../broker/types.ts";
import { REQUEST_PRODUCERS_TOPIC, requestProducersTopicOptions } from "../broker/request-producer-log.ts";
import { OFFSETS_TOPIC } from "../groups/offset-log.ts";
import { STREAMS_COORDINATOR_TOPIC, streamsCoordinatorTopicOptions } from "../cluster/node/streams-broker.ts";
import type { FetchLike } from "../runtime/trusting-fetch.ts";

export { forwardedHeader };

const partitionPath = /^\/v1\/topics\/([^/]+)\/partitions\/(\d{1,10})\/[^/]+$/;
const producePath = /^\/v1\/topics\/([^/]+)\/records$/;
const groupsPath = /^\/v1\/groups(\/|$)/;
const streamPath = /^\/v1\/stream\//;
const dropped = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "upgrade", "expect"]);
const droppedBack = new Set(["connection", "content-length", "content-encoding", "transfer-encoding", "keep-alive"]);
/** How often a wait for a coordinator partition's leader looks at the metadata again. */
const leaderPollMs = 50;

/** Where a request is served: here, at a partition's leader, or at the leader of a coordinator partition. */
export type ForwardTarget = { kind: "here" } | { kind: "leader"; topic: string; partition: number; coordinator: boolean };

/** The partition whose leader should serve this request (see the file's doc). */
export function forwardTarget(method: string, path: string, headers: Headers): ForwardTarget {
  const partition = partitionPath.exec(path);
  // A partition move goes to the controller from any broker, whoever leads the partition.
  if (partition && !(method === "PUT" && path.endsWith("/replicas"))) return { kind: "leader", topic: decodeURIComponent(partition[1]), partition: Number(partition[2]), coordinator: false };
  if (method === "POST" && (path === "/v1/producers" || (producePath.test(path) && headers.has("producer-id")))) {
    return { kind: "leader", topic: REQUEST_PRODUCERS_TOPIC, partition: 0, coordinator: true };
  }
  if (groupsPath.test(path)) return { kind: "leader", topic: OFFSETS_TOPIC, partition: 0, coordinator: true };
  if (streamPath.test(path) && method !== "OPTIONS") return { kind: "leader", topic: STREAMS_COORDINATOR_TOPIC, partition: 0, coordinator: true };
  return { kind: "here" };
}

/** The internal topics that coordinator routes need, created cluster-wide when missing. */
const coordinatorTopics: Record<string, Parameters<BrokerApi["createTopic"]>[1]> = {
  [REQUEST_PRODUCERS_TOPIC]: requestProducersTopicOptions,
  [OFFSETS_TOPIC]: { partitions: 1, config: { "cleanup.policy": "compact" }, internal: true },
  [STREAMS_COORDINATOR_TOPIC]: { ...streamsCoordinatorTopicOptions, config: { ...streamsCoordinatorTopicOptions.config } },
};

/**
 * The leader of a coordinator partition: the topic is created when the cluster has none, and a
 * partition without a leader is waited for.
 *
 * @throws {RivuletError} `partition_unavailable` when no leader shows within `waitMs`
 */
async function coordinatorLeader(view: ClusterView, broker: BrokerApi, topic: string, waitMs: number, signal: AbortSignal): Promise<number> {
  if (!view.partition(topic, 0)) {
    try {
      await broker.createTopic(topic, coordinatorTopics[topic]);
    } catch (error) {
      if (!isRivuletError(error, "topic_exists")) throw error;
    }
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    const leader = view.partition(topic, 0)?.leader ?? -1;
    if (leader >= 0 && (leader === view.brokerId || view.brokers().some((b) => b.id === leader))) return leader;
    if (Date.now() + leaderPollMs > deadline || signal.aborted) {
      throw new RivuletError("partition_unavailable", `${topic}/0, which coordinates this request, has no live leader yet: retry`, { topic, partition: 0 });
    }
    await new Promise((resolve) => setTimeout(resolve, leaderPollMs));
  }
}

/**
 * The forwarding middleware.
 *
 * @param view the cluster as this broker sees it
 * @param brokerFetch what this broker calls the others with (over HTTPS, one trusting the cluster's certificate)
 */
export function clusterForward(view: ClusterView, broker: BrokerApi, tokens: Authenticator | null, waitMs: number, brokerFetch: FetchLike): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.header(forwardedHeader) !== undefined) return await next();
    const url = new URL(c.req.url);
    const where = forwardTarget(c.req.method, url.pathname, c.req.raw.headers);
    if (where.kind === "here") return await next();
    // Failed authentications are counted and slowed here, by the client's own address: the
    // leader sees this broker's address, which must not be slowed for every client behind it.
    if (tokens) await authenticateRequest(c, tokens, "http");
    // a partition this broker's metadata does not show yet (its topic just created elsewhere): caught up first
    if (!where.coordinator && !view.partition(where.topic, where.partition)) await broker.awaitTopic?.(where.topic);
    const target = where.coordinator
      ? await coordinatorLeader(view, broker, where.topic, waitMs, c.req.raw.signal)
      : view.partition(where.topic, where.partition)?.leader ?? -1;
    const leader = target < 0 || target === view.brokerId ? undefined : view.brokers().find((b) => b.id === target);
    if (!leader) return await next();
    const headers = new Headers();
    for (const [name, value] of c.req.raw.headers) if (!dropped.has(name)) headers.set(name, value);
    headers.set(forwardedHeader, String(view.brokerId));
    const host = leader.host.includes(":") ? `[${leader.host}]` : leader.host;
    const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD" && c.req.raw.body !== null;
    let upstream: Response;
    try {
      upstream = await brokerFetch(`${url.protocol}//${host}:${leader.port}${url.pathname}${url.search}`, {
        method: c.req.method,
        headers,
        body: hasBody ? c.req.raw.body : undefined,
        signal: c.req.raw.signal,
        redirect: "manual",
        ...(hasBody ? { duplex: "half" } : {}),
      } as RequestInit);
    } catch (error) {
      if (c.req.raw.signal.aborted) throw error;
      throw new RivuletError("partition_unavailable", `broker ${leader.id}, which serves this request, could not be reached: retry`, { broker: leader.id });
    }
    const back = new Headers();
    for (const [name, value] of upstream.headers) if (!droppedBack.has(name)) back.append(name, value);
    return new Response(upstream.body, { status: upstream.status, headers: back });
  };
}
