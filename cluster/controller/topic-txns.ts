/**
 * The controller's topic writes, each one txn guarded by the controller epoch: a create writes
 * the topic's record (replica assignment spread by {@link assignReplicas} over the live brokers
 * that are not drained) and every partition's first state `{leader: first replica,
 * leader_epoch: 0, isr: replicas}`, only if the topic key is absent; a delete removes the topic
 * key and its partition states. A request's guard (its key unchanged) and outcome go in the
 * same txn.
 *
 * Callers run them one at a time (Controller's queue), so each sees the one before in the cache.
 */
import { RivuletError } from "../../core/errors.ts";
import { validateTopicName } from "../../core/topic-name.ts";
import { parseTopicConfig } from "../../core/topic-config.ts";
import type { PartitionState, TopicRecord } from "../membership/metadata-records.ts";
import type { TxnOp } from "../etcd/etcd-types.ts";
import { prefixEnd, bytesText } from "../etcd/etcd-bytes.ts";
import { assignReplicas } from "./replica-assignment.ts";
import { splitTopicConfig } from "./cluster-topic-config.ts";
import type { TopicRequest } from "./topic-requests.ts";
import type { ControllerContext, RequestGuard } from "./controller-context.ts";
import { drainedBrokers, eligibleBrokers } from "./drained-brokers.ts";

/** The default replication factor: min(3, live brokers). */
export function defaultReplicationFactor(liveBrokers: number): number {
  return Math.max(1, Math.min(3, liveBrokers));
}

/**
 * The create txn: the topic key absent (and, for a request, the request key unchanged); the
 * record, every partition state and the request's outcome together.
 *
 * @returns the revision of the write
 * @throws {RivuletError} `not_controller`, `topic_exists`, `invalid_replication_factor`,
 *   `invalid_topic_name`, `invalid_config`, `invalid_request`, `conflict` (the request changed)
 * @example
 * ```ts
 * const revision = await createTopicTxn(context, { op: "create", name: "orders", partitions: 3, config: {}, replication_factor: null, internal: false }, []);
 * ```
 */
export async function createTopicTxn(context: ControllerContext, request: Extract<TopicRequest, { op: "create" }>, guard: RequestGuard): Promise<number> {
  const { cache, election, limits } = context;
  const keys = cache.keys;
  validateTopicName(request.name, { internal: request.internal });
  if (!Number.isInteger(request.partitions) || request.partitions < 1 || request.partitions > limits.topicPartitionsMax) {
    throw new RivuletError("invalid_request", `partitions must be an integer from 1 to ${limits.topicPartitionsMax}`, { limit: limits.topicPartitionsMax });
  }
  const { local, stored } = splitTopicConfig(request.config ?? {});
  parseTopicConfig(local);
  // Drained brokers take no new replicas (the read costs one etcd round trip per create).
  const live = eligibleBrokers(cache, await drainedBrokers(context));
  const factor = request.replication_factor ?? defaultReplicationFactor(live.length);
  const replicas = assignReplicas(live, request.partitions, factor, cache.topics().length);
  const record: TopicRecord = { name: request.name, replicas, config: stored };
  const ops: TxnOp[] = [{ put: { key: keys.topic(request.name), value: JSON.stringify(record) } }];
  replicas.forEach((row, p) => {
    const state: PartitionState = { leader: row[0], leader_epoch: 0, isr: row };
    ops.push({ put: { key: keys.partition(request.name, p), value: JSON.stringify(state) } });
  });
  const topicKey = keys.topic(request.name);
  const answer = await election.controllerTxn({
    compare: [{ key: topicKey, target: "create_revision", result: "equal", value: 0 }, ...guard.map((g) => g.compare)],
    success: [...ops, ...guard.map((g) => g.answer())],
    failure: [{ range: { key: topicKey, countOnly: true } }],
  });
  if (!answer.succeeded) {
    const read = answer.responses[0];
    if (read && "range" in read && read.range.count > 0) throw new RivuletError("topic_exists", `topic ${request.name} already exists`, { topic: request.name });
    throw new RivuletError("conflict", `topic request for ${request.name} changed while it was served`);
  }
  context.emit({ type: "topic_created", topic: request.name, replicas });
  return answer.header.revision;
}

/**
 * The delete txn: the topic key present (and, for a request, the request key unchanged); the
 * topic key, its partition states and the request's outcome together.
 *
 * @returns the revision of the write
 * @throws {RivuletError} `not_controller`, `unknown_topic`, `invalid_topic_name` (internal),
 *   `conflict` (the request changed)
 */
export async function deleteTopicTxn(context: ControllerContext, request: Extract<TopicRequest, { op: "delete" }>, guard: RequestGuard): Promise<number> {
  const keys = context.cache.keys;
  validateTopicName(request.name, { internal: true });
  if (request.name.startsWith("__") && !request.internal) throw new RivuletError("invalid_topic_name", `internal topic ${request.name} cannot be deleted`, { topic: request.name });
  const topicKey = keys.topic(request.name);
  const partitionsPrefix = `${keys.prefix}partitions/${request.name}/`;
  const answer = await context.election.controllerTxn({
    compare: [{ key: topicKey, target: "create_revision", result: "greater", value: 0 }, ...guard.map((g) => g.compare)],
    success: [{ deleteRange: { key: topicKey } }, { deleteRange: { key: partitionsPrefix, rangeEnd: bytesText(prefixEnd(partitionsPrefix)) } }, ...guard.map((g) => g.answer())],
    failure: [{ range: { key: topicKey, countOnly: true } }],
  });
  if (!answer.succeeded) {
    const read = answer.responses[0];
    if (read && "range" in read && read.range.count === 0) throw new RivuletError("unknown_topic", `topic ${request.name} does not exist`, { topic: request.name });
    throw new RivuletError("conflict", `topic request for ${request.name} changed while it was served`);
  }
  context.emit({ type: "topic_deleted", topic: request.name });
  return answer.header.revision;
}
