/**
 * Read-through for a topic a clustered broker's metadata copy does not show yet: a topic
 * created through another broker reaches this one's cache a watch event later, and a client
 * that created it there must be able to use it here at once.
 */
import { RivuletError } from "../../core/errors.ts";
import type { ClusterNode } from "./cluster-node.ts";

/**
 * Reads the topic's key from etcd; when it is there, waits (at most `clusterMetadataCatchUpMs`)
 * until the cache has reached the key's revision. Resolves at once when the cache knows the
 * topic, and after the read when etcd does not have it either (the caller then answers
 * `unknown_topic`, now a fact).
 *
 * @param node this broker's cluster node, null while it is still joining (resolves at once)
 * @param name the topic
 * @throws {RivuletError} `coordination_unavailable` (retriable) when etcd cannot be read, or
 *   the cache did not catch up in time
 * @example
 * ```ts
 * await awaitTopic(node, "orders");
 * const record = node.cache.topic("orders"); // undefined: no such topic
 * ```
 */
export async function awaitTopic(node: ClusterNode | null, name: string): Promise<void> {
  if (!node || node.cache.topic(name)) return;
  let key: string;
  try {
    key = node.cache.keys.topic(name);
  } catch {
    return; // not a valid topic name: no such topic
  }
  const found = await node.etcd.range({ key, keysOnly: true });
  const kv = found.kvs[0];
  if (!kv) return;
  const limitMs = node.limits.clusterMetadataCatchUpMs;
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), limitMs);
  try {
    await node.cache.waitForRevision(kv.modRevision, stop.signal);
  } catch {
    throw new RivuletError("coordination_unavailable", `topic ${name} exists, but this broker's metadata did not reach etcd revision ${kv.modRevision} within ${limitMs} ms: retry`, { topic: name, revision: kv.modRevision });
  } finally {
    clearTimeout(timer);
  }
}
