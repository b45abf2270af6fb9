/**
 * One poll of a managed member over HTTP: a heartbeat (`pollManaged`), then records from the
 * member's position in each assigned partition. Positions start at the committed offset, or
 * per the member's `auto.offset.reset` when nothing is committed, and move past what is handed
 * out. With `waitMs`, all partitions are long-polled together and the first to have records
 * ends the wait for the others. With `isolation: "read_committed"` only decided transactions'
 * records come back; a fetch that brought only markers or aborted records moves the position
 * past them (nothing was handed out), so the next poll waits for new data instead of re-reading them.
 */
import type { ManagedMembership, TopicPartition } from "../../broker/group-api.ts";
import type { BrokerApi, ConsumedRecord, FetchResult, Isolation } from "../../broker/types.ts";
import { pause } from "../../core/abortable.ts";
import { isRivuletError } from "../../core/errors.ts";
import { type MemberState, partitionKey } from "./member-positions.ts";

/** What one poll gives back. */
/** What a poll reads through: the broker, or in a cluster one that reads partitions led elsewhere from their leaders. */
export type PollBroker = Pick<BrokerApi, "groups" | "fetch" | "listOffset">;

export interface PollResult {
  membership: ManagedMembership;
  records: ConsumedRecord[];
}

/** Limits of one poll. */
export interface PollOptions {
  waitMs: number;
  maxRecords: number;
  /** The client's signal: gives the wait up when it goes away. */
  signal: AbortSignal;
  nowMs: number;
  /**
   * Called with each assigned topic after the heartbeat and before anything is read; throws to
   * refuse the poll (the caller's rights on the topics).
   */
  authorizeTopic?: (topic: string) => void;
  /** Which records to hand out (default read_uncommitted). */
  isolation?: Isolation;
}

const idleAssignmentWaitMsMax = 500;

async function syncPositions(broker: PollBroker, state: MemberState, assignments: TopicPartition[], isolation: Isolation | undefined): Promise<void> {
  const assigned = new Set(assignments.map((tp) => partitionKey(tp.topic, tp.partition)));
  for (const key of state.positions.keys()) if (!assigned.has(key)) state.positions.delete(key);
  const fresh = assignments.filter((tp) => !state.positions.has(partitionKey(tp.topic, tp.partition)));
  if (fresh.length === 0) return;
  const committed = await broker.groups.fetchOffsets(state.groupId, fresh);
  const byKey = new Map(committed.map((c) => [partitionKey(c.topic, c.partition), c.offset]));
  await Promise.all(fresh.map(async (tp) => {
    const offset = byKey.get(partitionKey(tp.topic, tp.partition)) ?? -1;
    state.positions.set(partitionKey(tp.topic, tp.partition), offset >= 0 ? offset : await broker.listOffset(tp.topic, tp.partition, state.reset, { isolation }));
  }));
}

/** Fetches one partition; expected failures (topic gone, restarting, out of range) give null. */
async function fetchOne(broker: PollBroker, state: MemberState, tp: TopicPartition, maxRecords: number, waitMs: number, signal: AbortSignal, isolation: Isolation | undefined): Promise<FetchResult | null> {
  const key = partitionKey(tp.topic, tp.partition);
  try {
    const position = state.positions.get(key) ?? 0;
    const result = await broker.fetch(tp.topic, tp.partition, { offset: position, maxRecords, waitMs, signal, isolation });
    if (result.records.length === 0 && result.nextOffset > position && state.positions.get(key) === position) state.positions.set(key, result.nextOffset);
    return result;
  } catch (error) {
    if (signal.aborted) return null;
    if (isRivuletError(error, "offset_out_of_range")) {
      state.positions.set(key, await broker.listOffset(tp.topic, tp.partition, state.reset, { isolation }));
      return null;
    }
    if (isRivuletError(error) && (error.retriable || error.code === "unknown_topic" || error.code === "unknown_partition")) return null;
    throw error;
  }
}

/**
 * Fetches every assigned partition. With a wait, the first partition to have records (or the
 * client going away) ends the poll; late answers of the others are dropped unseen, so their
 * positions do not move.
 */
function fetchAll(broker: PollBroker, state: MemberState, assignments: TopicPartition[], perPartition: number, waitMs: number, signal: AbortSignal, isolation: Isolation | undefined): Promise<Array<FetchResult | null>> {
  if (waitMs === 0) return Promise.all(assignments.map((tp) => fetchOne(broker, state, tp, perPartition, 0, signal, isolation)));
  return new Promise((resolve, reject) => {
    const results: Array<FetchResult | null> = assignments.map(() => null);
    const race = new AbortController();
    let pending = assignments.length;
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      race.abort();
      signal.removeEventListener("abort", onClientGone);
      if (error === undefined) resolve(results.slice());
      else reject(error);
    };
    const onClientGone = () => settle();
    signal.addEventListener("abort", onClientGone, { once: true });
    if (signal.aborted) return settle();
    assignments.forEach((tp, i) => {
      fetchOne(broker, state, tp, perPartition, waitMs, race.signal, isolation).then((result) => {
        if (settled) return;
        results[i] = result;
        if ((result && result.records.length > 0) || --pending === 0) settle();
      }, (error: unknown) => settle(error));
    });
  });
}

/**
 * Polls a member: heartbeat, then records from its assigned partitions.
 *
 * @param broker the broker
 * @param state the member's state (positions are updated)
 * @param options wait, record limit, the client's signal, the time
 * @returns the member's generation and assignments, and the records handed out
 * @throws {RivuletError} `unknown_member`, `unknown_group`, `illegal_generation` … from the
 *   coordinator; whatever `authorizeTopic` throws
 */
export async function pollMember(broker: PollBroker, state: MemberState, options: PollOptions): Promise<PollResult> {
  const membership = await broker.groups.pollManaged(state.groupId, state.memberId);
  state.generation = membership.generation;
  state.lastSeenMs = options.nowMs;
  const assignments = membership.assignments;
  if (options.authorizeTopic) for (const topic of new Set(assignments.map((tp) => tp.topic))) options.authorizeTopic(topic);
  await syncPositions(broker, state, assignments, options.isolation);
  if (assignments.length === 0) {
    await pause(Math.min(options.waitMs, idleAssignmentWaitMsMax), options.signal);
    return { membership, records: [] };
  }
  const perPartition = Math.max(1, Math.ceil(options.maxRecords / assignments.length));
  let results = await fetchAll(broker, state, assignments, perPartition, 0, options.signal, options.isolation);
  if (options.waitMs > 0 && results.every((r) => !r || r.records.length === 0)) {
    results = await fetchAll(broker, state, assignments, perPartition, options.waitMs, options.signal, options.isolation);
  }
  const records: ConsumedRecord[] = [];
  for (let i = 0; i < assignments.length; i++) {
    const result = results[i];
    if (!result || result.records.length === 0) continue;
    const room = options.maxRecords - records.length;
    const taken = result.records.length <= room ? result.records : result.records.slice(0, room);
    for (const record of taken) records.push(record);
    const last = taken[taken.length - 1];
    if (last) state.positions.set(partitionKey(assignments[i].topic, assignments[i].partition), taken === result.records ? result.nextOffset : last.offset + 1);
  }
  return { membership, records };
}
