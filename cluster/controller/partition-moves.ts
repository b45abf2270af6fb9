/**
 * The controller's partition moves (Kafka's reassignment, KIP-455; see reassignment.ts):
 * `reassign` starts one partition's move, `drain` and `rebalance` plan many (rebalance-plan.ts)
 * and start them; every reconciliation pass completes the moves whose target replicas are all
 * in the ISR. The move lives in the topic record, so a controller elected mid-move finishes it.
 * A drained broker is marked (drained-brokers.ts) in the txn that answers the drain.
 *
 * Every txn finds the records and states it changes as planned (compare-and-set on their
 * mod_revision), so a plan made on a stale cache is made again rather than written. Callers run
 * the requests one at a time (Controller's queue).
 */
import { RivuletError } from "../../core/errors.ts";
import { validateTopicName } from "../../core/topic-name.ts";
import type { Versioned } from "../membership/metadata-cache.ts";
import type { PartitionState, TopicRecord } from "../membership/metadata-records.ts";
import type { Compare, TxnOp } from "../etcd/etcd-types.ts";
import type { MovesResult, TopicRequest } from "./topic-requests.ts";
import { checkTarget, completeMove, moveOf, startMove } from "./reassignment.ts";
import { planDrain, planRebalance, type PlannedMove } from "./rebalance-plan.ts";
import type { ControllerContext, RequestGuard } from "./controller-context.ts";
import { drainedBrokers, drainedKey, eligibleBrokers } from "./drained-brokers.ts";

/**
 * The partition move of a PUT, retried on a newer state when the partition changed meanwhile.
 *
 * @throws {RivuletError} `not_controller`, `unknown_topic`, `unknown_partition`,
 *   `invalid_replica_assignment`, `unknown_broker`, `conflict` (the partition kept changing)
 * @example
 * ```ts
 * const { revision } = await reassignPartition(context, { op: "reassign", name: "orders", partition: 0, replicas: [2, 3, 4] }, []);
 * ```
 */
export async function reassignPartition(context: ControllerContext, request: Extract<TopicRequest, { op: "reassign" }>, guard: RequestGuard): Promise<{ revision: number }> {
  const { cache } = context;
  validateTopicName(request.name, { internal: true });
  const record = cache.topic(request.name);
  if (!record) throw new RivuletError("unknown_topic", `topic ${request.name} does not exist`, { topic: request.name });
  const registered = new Set(cache.brokers().map((b) => b.id));
  const replicas = checkTarget(record, request.partition, request.replicas, registered);
  const revision = await startMoves(context, [{ topic: request.name, partition: request.partition, replicas }], guard, []);
  return { revision };
}

/**
 * Plans and starts a drain, then marks the broker drained with the request's answer.
 *
 * @throws {RivuletError} `not_controller`, `unknown_broker`, `not_enough_brokers`, `conflict`
 */
export async function drainBroker(context: ControllerContext, request: Extract<TopicRequest, { op: "drain" }>, guard: RequestGuard): Promise<{ revision: number; result: MovesResult }> {
  const { cache } = context;
  const id = request.broker;
  const live = cache.broker(id);
  const holds = cache.topics().some((t) => t.replicas.some((row) => row.includes(id)));
  if (!Number.isInteger(id) || (!live && !holds)) throw new RivuletError("unknown_broker", `broker ${id} is neither registered nor a replica of any partition`, { broker: id });
  const started: PlannedMove[] = [];
  const marker: TxnOp = { put: { key: drainedKey(cache.keys.prefix, id), value: JSON.stringify({ broker_epoch: live?.epoch ?? 0 }) } };
  const revision = await moveUntilDone(context, (drained) => planDrain(cache.topics(), id, eligibleBrokers(cache, drained)), started, guard, [marker]);
  return { revision, result: { moves: started } };
}

/**
 * Spreads replicas and preferred leaders evenly over the live brokers that are not drained.
 *
 * @throws {RivuletError} `not_controller`, `conflict`
 */
export async function rebalanceBrokers(context: ControllerContext, guard: RequestGuard): Promise<{ revision: number; result: MovesResult }> {
  const { cache } = context;
  const started: PlannedMove[] = [];
  const plan = (drained: ReadonlyMap<number, number>) => planRebalance(cache.topics(), eligibleBrokers(cache, drained));
  const revision = await moveUntilDone(context, plan, started, guard, []);
  return { revision, result: { moves: started } };
}

/**
 * Completes the first move of `topic` whose target replicas are all in the ISR: the record
 * takes the target, the state drops the leaving brokers from the ISR (and gets a new leader
 * from the target when the leader leaves), in one txn that finds both keys unchanged.
 *
 * @returns whether a completion was written
 */
export async function completeOneMove(context: ControllerContext, topic: Versioned<TopicRecord>, states: ReadonlyMap<number, Versioned<PartitionState>>, live: ReadonlySet<number>): Promise<boolean> {
  if (!topic.adding_replicas && !topic.removing_replicas) return false;
  const { cache } = context;
  const keys = cache.keys;
  for (let p = 0; p < topic.replicas.length; p++) {
    const state = states.get(p);
    if (!state || !moveOf(topic, p)) continue;
    const step = completeMove(topic, p, state, live);
    if (!step) continue;
    const leader = cache.broker(step.state.leader);
    if (!leader) continue;
    const answer = await context.election.controllerTxn({
      compare: [
        { key: keys.topic(topic.name), target: "mod_revision", result: "equal", value: topic.mod_revision },
        { key: keys.partition(topic.name, p), target: "mod_revision", result: "equal", value: state.mod_revision },
        { key: keys.broker(leader.id), target: "create_revision", result: "equal", value: leader.epoch },
      ],
      success: [
        { put: { key: keys.topic(topic.name), value: JSON.stringify(step.record) } },
        { put: { key: keys.partition(topic.name, p), value: JSON.stringify(step.state) } },
      ],
    });
    if (!answer.succeeded) return false;
    context.emit({ type: "move_completed", topic: topic.name, partition: p, state: step.state });
    return true;
  }
  return false;
}

/**
 * Plans, starts up to `clusterMovesPerTxnMax` moves of one topic per txn, and plans again from
 * the newer metadata, until the plan is empty; then writes `finalOps` with the request's
 * answer. Every txn finds the records and states it changes as planned, so a plan made on a
 * stale cache is made again rather than written.
 */
async function moveUntilDone(context: ControllerContext, plan: (drained: ReadonlyMap<number, number>) => PlannedMove[], started: PlannedMove[], guard: RequestGuard, finalOps: TxnOp[]): Promise<number> {
  const drained = await drainedBrokers(context);
  for (let round = 0; ; round++) {
    const moves = plan(drained);
    if (moves.length === 0) break;
    if (round > 2 * moves.length + context.cache.topics().length + 16) throw new RivuletError("conflict", "the partitions kept changing while their moves were written; try again", { moves: moves.length });
    const topic = moves[0].topic;
    const batch = moves.filter((m) => m.topic === topic).slice(0, context.limits.clusterMovesPerTxnMax);
    const revision = await startMoves(context, batch, guard, [], false);
    if (revision > 0) started.push(...batch);
  }
  const answer = await context.election.controllerTxn({
    compare: guard.map((g) => g.compare),
    success: [...finalOps, ...guard.map((g) => g.answer({ moves: started }))],
  });
  if (!answer.succeeded) throw new RivuletError("conflict", "the request changed while it was served");
  return answer.header.revision;
}

/**
 * Starts the moves of one topic in one txn: the record with each partition moving, each
 * state with the ISR cut to the new replica set (and rewritten anyway, so the leader's
 * reconciler hears of its new followers); the topic and every state must be as planned.
 *
 * @param answer whether the request's answer goes in this txn (false: the caller writes it)
 * @returns the txn's revision; 0 when `answer` is false and the metadata changed under it
 *   (the caller plans again once the cache shows the change)
 * @throws {RivuletError} `conflict` when `answer` is true and the partition kept changing
 */
async function startMoves(context: ControllerContext, moves: PlannedMove[], guard: RequestGuard, extraOps: TxnOp[], answer = true): Promise<number> {
  const { cache } = context;
  const keys = cache.keys;
  for (let attempt = 0; attempt < 8; attempt++) {
    const name = moves[0].topic;
    let record: TopicRecord | undefined = cache.topic(name);
    const topicRevision = cache.topic(name)?.mod_revision;
    if (!record || topicRevision === undefined) throw new RivuletError("unknown_topic", `topic ${name} does not exist`, { topic: name });
    const compare: Compare[] = [{ key: keys.topic(name), target: "mod_revision", result: "equal", value: topicRevision }];
    const puts: TxnOp[] = [];
    for (const move of moves) {
      const state = cache.partition(name, move.partition);
      if (!state) throw new RivuletError("unknown_partition", `${name}/${move.partition} has no state in the cluster yet`, { topic: name, partition: move.partition });
      const next = startMove(record, move.partition, move.replicas, state);
      record = next.record;
      compare.push({ key: keys.partition(name, move.partition), target: "mod_revision", result: "equal", value: state.mod_revision });
      puts.push({ put: { key: keys.partition(name, move.partition), value: JSON.stringify(next.state) } });
    }
    const result = await context.election.controllerTxn({
      compare: [...compare, ...guard.map((g) => g.compare)],
      success: [{ put: { key: keys.topic(name), value: JSON.stringify(record) } }, ...puts, ...extraOps, ...(answer ? guard.map((g) => g.answer()) : [])],
      failure: compare.map((c) => ({ range: { key: c.key } })),
    });
    if (result.succeeded) {
      for (const move of moves) context.emit({ type: "move_started", topic: name, partition: move.partition, replicas: move.replicas });
      await cache.waitForRevision(result.header.revision, context.signal());
      return result.header.revision;
    }
    // Wait until the cache shows what changed, then try on it.
    const seen = result.responses.flatMap((r) => ("range" in r ? r.range.kvs.map((kv) => kv.modRevision) : []));
    await cache.waitForRevision(Math.max(0, ...seen), context.signal());
    if (!answer) return 0;
  }
  throw new RivuletError("conflict", `${moves[0].topic} kept changing while its move was written; try again`, { topic: moves[0].topic });
}
