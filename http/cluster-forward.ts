/**
 * In a cluster, any broker answers every record route: a request for a partition that another
 * broker leads is forwarded to that broker's HTTP port and its answer streamed back, headers
 * kept (the leader authenticates the client's own credentials again).
 *
 * Keyed by the route: `/v1/topics/{t}/partitions/{p}/…` (fetch, SSE stream) goes to the leader
 * of p. `POST /v1/topics/{t}/records` whose records all name one partition goes to that
 * partition's leader (the body, at most `httpBodyBytesMax` with a Content-Length, is read
 * here to see it); otherwise it is served here when this broker leads one of the topic's
 * partitions (its unkeyed records go to a partition it leads, see ClusteredBroker.produce),
 * else it goes to the leader of the first partition that has one. Keyed records or explicit
 * partitions led by another broker are refused by the data plane (`not_leader`, retriable):
 * such producers send to each partition's leader, as Kafka clients do.
 *
 * With auth on, the client is authenticated here before its request is forwarded (the leader
 * checks its token and rights again).
 *
 * A forwarded request carries `rivulet-forwarded-by: <broker id>` and is never forwarded again,
 * so no loop can form even while two brokers disagree about a leader for a moment.
 */
import type { MiddlewareHandler } from "hono";
import type { ClusterView } from "../cluster/node/cluster-view.ts";
import type { AppEnv } from "./context.ts";
import type { Authenticator } from "../auth/authenticator.ts";
import { authenticateRequest } from "./authenticate-request.ts";

/** The header marking a request forwarded by another broker. */
export const forwardedHeader = "rivulet-forwarded-by";

const partitionPath = /^\/v1\/topics\/([^/]+)\/partitions\/(\d{1,10})\/[^/]+$/;
const producePath = /^\/v1\/topics\/([^/]+)\/records$/;
const dropped = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "upgrade", "expect"]);
const droppedBack = new Set(["connection", "content-length", "content-encoding", "transfer-encoding", "keep-alive"]);

/** The broker that should serve this request, or -1 for this one. */
export function forwardTarget(view: ClusterView, method: string, path: string): number {
  const partition = partitionPath.exec(path);
  let leader = -1;
  if (partition) {
    leader = view.partition(decodeURIComponent(partition[1]), Number(partition[2]))?.leader ?? -1;
  } else {
    const produce = method === "POST" ? producePath.exec(path) : null;
    if (!produce) return -1;
    const topic = decodeURIComponent(produce[1]);
    const leaders: number[] = [];
    for (let p = 0; ; p++) {
      const state = view.partition(topic, p);
      if (!state) break;
      leaders.push(state.leader);
    }
    if (leaders.includes(view.brokerId)) return -1;
    leader = leaders.find((id) => id >= 0) ?? -1;
  }
  return leader === view.brokerId ? -1 : leader;
}

/**
 * The forwarding middleware.
 *
 * @param view the cluster as this broker sees it
 */
export function clusterForward(view: ClusterView, tokens: Authenticator | null, bodyBytesMax: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.req.header(forwardedHeader) !== undefined) return await next();
    const url = new URL(c.req.url);
    const produce = c.req.method === "POST" ? producePath.exec(url.pathname) : null;
    const named = produce ? await namedPartition(c.req.raw, bodyBytesMax) : null;
    const target = named === null
      ? forwardTarget(view, c.req.method, url.pathname)
      : leaderElsewhere(view, view.partition(decodeURIComponent(produce![1]), named)?.leader ?? -1);
    const broker = target < 0 ? undefined : view.brokers().find((b) => b.id === target);
    if (!broker) return await next();
    // Failed authentications are counted and slowed here, by the client's own address: the
    // leader sees this broker's address, which must not be slowed for every client behind it.
    if (tokens) await authenticateRequest(c, tokens, "http");
    const headers = new Headers();
    for (const [name, value] of c.req.raw.headers) if (!dropped.has(name)) headers.set(name, value);
    headers.set(forwardedHeader, String(view.brokerId));
    const host = broker.host.includes(":") ? `[${broker.host}]` : broker.host;
    const hasBody = c.req.method !== "GET" && c.req.method !== "HEAD" && c.req.raw.body !== null;
    const upstream = await fetch(`${url.protocol}//${host}:${broker.port}${url.pathname}${url.search}`, {
      method: c.req.method,
      headers,
      body: hasBody ? c.req.raw.body : undefined,
      signal: c.req.raw.signal,
      redirect: "manual",
      ...(hasBody ? { duplex: "half" } : {}),
    } as RequestInit);
    const back = new Headers();
    for (const [name, value] of upstream.headers) if (!droppedBack.has(name)) back.append(name, value);
    return new Response(upstream.body, { status: upstream.status, headers: back });
  };
}

/** `leader`, or -1 when it is this broker or none (served here: the data plane answers). */
function leaderElsewhere(view: ClusterView, leader: number): number {
  return leader === view.brokerId ? -1 : leader;
}

/**
 * The partition every record of a produce body names, or null (none, several, a body without a
 * Content-Length or past `bodyBytesMax`, or not JSON: the produce route answers those). Reads a
 * copy: the request's own body stays for the route or the forward.
 */
async function namedPartition(request: Request, bodyBytesMax: number): Promise<number | null> {
  const length = Number(request.headers.get("content-length") ?? NaN);
  if (!Number.isSafeInteger(length) || length <= 0 || length > bodyBytesMax || request.body === null) return null;
  let body: unknown;
  try {
    body = JSON.parse(await request.clone().text());
  } catch {
    return null;
  }
  const records = (body as { records?: unknown } | null)?.records;
  if (!Array.isArray(records) || records.length === 0) return null;
  const first = (records[0] as { partition?: unknown } | null)?.partition;
  if (!Number.isSafeInteger(first) || (first as number) < 0) return null;
  return records.every((r) => (r as { partition?: unknown } | null)?.partition === first) ? (first as number) : null;
}
