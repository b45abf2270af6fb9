/**
 * Kafka's authorization of one request, over Rivulet's rights (DESIGN §8): the connection's
 * principal checked for the Kafka operation each API needs, as Kafka's own broker does.
 *
 * Kafka operations and the rights that grant them:
 * - topic `read` (Fetch, OffsetCommit): `read` on the topic (`admin` implies it);
 * - topic `write` (Produce): `write` on the topic (`admin` implies it);
 * - topic `describe` (Metadata, ListOffsets, OffsetFetch, OffsetForLeaderEpoch,
 *   DescribeConfigs of a topic): `read` or `write` on the topic,
 *   as Kafka's READ and WRITE imply DESCRIBE;
 * - topic `create`, `delete` and `alter` (CreateTopics, DeleteTopics, auto-creation from
 *   Metadata, CreatePartitions): `admin` on the topic (cluster admin has it on every topic);
 * - cluster `describe_configs` (DescribeConfigs of the broker): cluster admin;
 * - group (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit,
 *   OffsetFetch, DescribeGroups, ListGroups): `read` on the group, or cluster admin;
 * - idempotent write (InitProducerId without a transactional id): `write` on some topic, as
 *   Kafka allows since KIP-679.
 * - transactional id (FindCoordinator key type 1, InitProducerId, AddPartitionsToTxn,
 *   AddOffsetsToTxn, EndTxn, TxnOffsetCommit, a transactional Produce): the auth file has no
 *   transactional-id rights, so an id is usable by any principal with `write` on some topic and
 *   then belongs to the first principal that initializes it (the transaction coordinator
 *   refuses it to any other, cluster admin excepted): no one can fence or abort another
 *   principal's transactions. The transaction's own topics still need `write` (AddPartitionsToTxn,
 *   Produce) and its groups `read` on the group (AddOffsetsToTxn, TxnOffsetCommit, which also
 *   needs `read` on each topic whose offsets it commits), as in Kafka.
 *
 * A null principal (the listener runs without an auth file) may do everything.
 *
 * The `authorize*` functions throw a RivuletError `forbidden` whose `info` names what was
 * refused (`transactionalId`, `topic`, `group`, or none for the cluster), so a handler's one
 * `catch` maps it with `kafkaErrorCode` to TRANSACTIONAL_ID_AUTHORIZATION_FAILED (53),
 * TOPIC_AUTHORIZATION_FAILED (29), GROUP_AUTHORIZATION_FAILED (30) or
 * CLUSTER_AUTHORIZATION_FAILED (31). The `may*` functions answer the same questions for
 * handlers that filter (Metadata, ListGroups, OffsetFetch of every topic) or refuse partitions
 * one by one before touching the broker (Produce, Fetch, OffsetCommit).
 */
import { RivuletError } from "../core/errors.ts";
import { canSeeTopic, hasAccess, hasGroupAccess, isClusterAdmin } from "../auth/rights.ts";
import type { HandlerContext } from "./handler-context.ts";

/** A Kafka operation on a topic. */
export type TopicOperation = "read" | "write" | "describe" | "create" | "delete" | "alter";

type Asking = Pick<HandlerContext, "principal">;

/** Whether the request's principal may perform `operation` on `topic`. */
export function mayTopic(ctx: Asking, operation: TopicOperation, topic: string): boolean {
  const principal = ctx.principal;
  if (principal === null) return true;
  switch (operation) {
    case "read":
    case "write":
      return hasAccess(principal, operation, topic);
    case "describe":
      return canSeeTopic(principal, topic);
    case "create":
    case "delete":
    case "alter":
      return hasAccess(principal, "admin", topic);
  }
}

/** Whether the request's principal is cluster admin (`admin` on `"topics":"*"`). */
export function mayCluster(ctx: Asking): boolean {
  return ctx.principal === null || isClusterAdmin(ctx.principal);
}

/** Whether the request's principal may use consumer group `group`. */
export function mayGroup(ctx: Asking, group: string): boolean {
  return ctx.principal === null || hasGroupAccess(ctx.principal, group);
}

/** Whether the request's principal may produce idempotently (write on some topic). */
export function mayWriteIdempotently(ctx: Asking): boolean {
  return ctx.principal === null || hasAccess(ctx.principal, "write", null);
}

/**
 * Throws unless the principal may perform `operation` on `topic`.
 *
 * @throws {RivuletError} `forbidden` with `info.topic` (TOPIC_AUTHORIZATION_FAILED)
 */
export function authorizeTopic(ctx: Asking, operation: TopicOperation, topic: string): void {
  if (!mayTopic(ctx, operation, topic)) {
    throw new RivuletError("forbidden", `principal "${ctx.principal!.name}" may not ${operation} topic "${topic}"`, { operation, topic });
  }
}

/**
 * Throws unless the principal may use consumer group `group`.
 *
 * @throws {RivuletError} `forbidden` with `info.group` (GROUP_AUTHORIZATION_FAILED)
 */
export function authorizeGroup(ctx: Asking, group: string): void {
  if (!mayGroup(ctx, group)) {
    throw new RivuletError("forbidden", `principal "${ctx.principal!.name}" has no read access to group "${group}"`, { operation: "read", group });
  }
}

/**
 * Throws unless the principal may produce idempotently.
 *
 * @throws {RivuletError} `forbidden` naming neither topic nor group (CLUSTER_AUTHORIZATION_FAILED)
 */
export function authorizeIdempotentWrite(ctx: Asking): void {
  if (!mayWriteIdempotently(ctx)) {
    throw new RivuletError("forbidden", `principal "${ctx.principal!.name}" may not produce idempotently: it has write access to no topic`, { operation: "idempotent_write" });
  }
}

/**
 * The principal the transaction coordinator binds transactional ids to: its name, or undefined
 * for a principal that may use every id (no auth file, cluster admin).
 */
export function transactionPrincipal(ctx: Asking): string | undefined {
  const principal = ctx.principal;
  return principal === null || isClusterAdmin(principal) ? undefined : principal.name;
}

/**
 * Throws unless the principal may use transactional ids at all (`write` on some topic); which
 * ids it owns the coordinator decides.
 *
 * @throws {RivuletError} `forbidden` with `info.transactionalId` (TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
 */
export function authorizeTransactionalId(ctx: Asking, transactionalId: string): void {
  if (!mayWriteIdempotently(ctx)) {
    throw new RivuletError("forbidden", `principal "${ctx.principal!.name}" may not use transactional id "${transactionalId}": it has write access to no topic`, { operation: "write", transactionalId });
  }
}
