/**
 * A topic created or deleted through a clustered broker: the controller makes the change
 * (directly when this broker is it, else through a request key, see TopicRequester), then the
 * broker waits until its own metadata shows the change, so a describe right after answers with
 * it. A change whose outcome was lost is settled against etcd before it is sent again.
 */
import { RivuletError, isRivuletError } from "../../core/errors.ts";
import type { TopicRequest } from "../controller/topic-requests.ts";
import type { ClusterNode } from "./cluster-node.ts";

/** Tries of a topic change whose outcome was lost (etcd unreachable or this broker's lease ended). */
const changeAttempts = 3;

/**
 * Has the controller make a topic change, then waits until this broker has applied it.
 *
 * When etcd cannot be reached (or this broker's lease ends) before the answer comes, whether
 * the change was made is unknown: the broker waits until it reaches etcd again (registering
 * anew if it was fenced), reads the metadata as of then, and counts the change as done if it
 * is there (made by this request, or by another one), else sends it again — at most
 * {@link changeAttempts} times. A retry refused with `topic_exists` (create) or
 * `unknown_topic` (delete) after an unknown outcome is the first try's success.
 *
 * @throws {RivuletError} what the controller refused the change with; `coordination_unavailable`
 *   when etcd stayed out of reach
 * @example
 * ```ts
 * await changeTopic(node, { op: "delete", name: "orders", internal: false });
 * ```
 */
export async function changeTopic(node: ClusterNode, request: Extract<TopicRequest, { op: "create" | "delete" }>): Promise<void> {
  let unknown = false;
  for (let attempt = 1; ; attempt++) {
    try {
      let revision: number | null = null;
      if (node.election.isController) {
        try {
          revision = request.op === "create" ? await node.controller.createTopic(request) : await node.controller.deleteTopic(request);
        } catch (error) {
          if (!isRivuletError(error, "not_controller")) throw error;
        }
      }
      revision ??= (await node.requester.submit(request)).revision;
      await node.caughtUp(revision);
      return;
    } catch (error) {
      if (unknown && isRivuletError(error, request.op === "create" ? "topic_exists" : "unknown_topic")) return await node.barrier();
      if (!isRivuletError(error, "coordination_unavailable") || attempt >= changeAttempts) throw error;
      unknown = true;
      await reachEtcd(node);
      if ((node.cache.topic(request.name) !== undefined) === (request.op === "create")) return;
    }
  }
}

/**
 * Waits until this broker reaches etcd again as a registered member and its metadata is
 * current.
 *
 * @throws {RivuletError} `coordination_unavailable` after `clusterTopicRequestTimeoutMs`
 */
async function reachEtcd(node: ClusterNode): Promise<void> {
  const deadline = Date.now() + node.limits.clusterTopicRequestTimeoutMs;
  let backoff = node.limits.etcdRetryBackoffMinMs;
  for (;;) {
    await node.rejoined();
    try {
      return await node.barrier();
    } catch (error) {
      if (Date.now() >= deadline) throw new RivuletError("coordination_unavailable", `broker ${node.brokerId} could not reach etcd again within ${node.limits.clusterTopicRequestTimeoutMs} ms`, { cause: String(error) });
      await new Promise((resolve) => setTimeout(resolve, backoff));
      backoff = Math.min(backoff * 2, node.limits.etcdRetryBackoffMaxMs);
    }
  }
}
