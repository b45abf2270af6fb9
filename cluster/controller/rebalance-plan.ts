/**
 * Plans for `POST /v1/cluster/rebalance` and `DELETE /v1/cluster/brokers/{id}` (drain): which
 * partitions move where, as pure functions of the topic records and the brokers that may hold
 * replicas. The controller then starts each move ({@link ./reassignment.ts}).
 *
 * - **Rebalance** spreads replicas so that no broker holds two more than another, moving as
 *   few as it can (each step moves one replica from the fullest broker to the emptiest one that
 *   does not hold that partition yet), first off brokers that may hold none (gone, or drained);
 *   then it orders each partition's replicas so that preferred leaders (the first replica) are
 *   spread the same way; the controller's preferred-leader election then moves leadership.
 * - **Drain** replaces the broker in every partition that has it with the least loaded broker
 *   that may hold replicas and does not hold that partition, or refuses the whole drain when
 *   some partition has no such broker (its replication factor could not be kept).
 *
 * Partitions being moved are planned from their target. Every result is deterministic (topics
 * in name order, brokers in id order on ties).
 */
import { RivuletError } from "../../core/errors.ts";
import type { TopicRecord } from "../membership/metadata-records.ts";
import { targetOf } from "./reassignment.ts";

/** One partition's new replica list. */
export interface PlannedMove {
  topic: string;
  partition: number;
  replicas: number[];
}

interface Row {
  topic: string;
  partition: number;
  before: number[];
  replicas: number[];
}

function rowsOf(topics: readonly TopicRecord[]): Row[] {
  const rows: Row[] = [];
  for (const record of [...topics].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    for (let p = 0; p < record.replicas.length; p++) {
      const target = targetOf(record, p);
      rows.push({ topic: record.name, partition: p, before: target, replicas: [...target] });
    }
  }
  return rows;
}

function countReplicas(rows: readonly Row[], brokers: readonly number[]): Map<number, number> {
  const counts = new Map(brokers.map((id) => [id, 0]));
  for (const row of rows) for (const id of row.replicas) if (counts.has(id)) counts.set(id, counts.get(id)! + 1);
  return counts;
}

/** The broker of `candidates` with the fewest replicas (lowest id on ties), or undefined. */
function leastLoaded(candidates: readonly number[], counts: ReadonlyMap<number, number>): number | undefined {
  let best: number | undefined;
  for (const id of candidates) if (best === undefined || counts.get(id)! < counts.get(best)! || (counts.get(id) === counts.get(best) && id < best)) best = id;
  return best;
}

function changed(rows: readonly Row[]): PlannedMove[] {
  return rows
    .filter((row) => row.replicas.length !== row.before.length || row.replicas.some((id, i) => id !== row.before[i]))
    .map((row) => ({ topic: row.topic, partition: row.partition, replicas: row.replicas }));
}

/**
 * The moves that spread every topic's replicas and preferred leaders evenly over `brokers`.
 *
 * @param brokers the brokers that may hold replicas (live, not drained)
 * @returns the partitions whose replica list changes (possibly only its order)
 */
export function planRebalance(topics: readonly TopicRecord[], brokers: readonly number[]): PlannedMove[] {
  const eligible = [...new Set(brokers)].sort((a, b) => a - b);
  const rows = rowsOf(topics);
  if (eligible.length === 0) return [];
  const counts = countReplicas(rows, eligible);
  // Off brokers that may hold none, where another can take the replica.
  for (const row of rows) {
    row.replicas.forEach((id, i) => {
      if (counts.has(id)) return;
      const to = leastLoaded(eligible.filter((b) => !row.replicas.includes(b)), counts);
      if (to === undefined) return;
      row.replicas[i] = to;
      counts.set(to, counts.get(to)! + 1);
    });
  }
  // Fullest to emptiest while two brokers differ by two or more. Each step lowers the sum of
  // squared counts, so the loop ends.
  for (;;) {
    const order = [...eligible].sort((a, b) => counts.get(b)! - counts.get(a)! || a - b);
    let moved = false;
    search: for (const from of order) {
      for (const to of [...order].reverse()) {
        if (counts.get(from)! - counts.get(to)! < 2) continue;
        const row = rows.find((r) => r.replicas.includes(from) && !r.replicas.includes(to));
        if (!row) continue;
        row.replicas[row.replicas.indexOf(from)] = to;
        counts.set(from, counts.get(from)! - 1);
        counts.set(to, counts.get(to)! + 1);
        moved = true;
        break search;
      }
    }
    if (!moved) break;
  }
  // Preferred leaders: a partition whose first replica leads two more than another of its
  // replicas puts that one first. Each swap lowers the sum of squared leader counts.
  const leaders = new Map(eligible.map((id) => [id, 0]));
  for (const row of rows) if (leaders.has(row.replicas[0])) leaders.set(row.replicas[0], leaders.get(row.replicas[0])! + 1);
  for (let swapped = true; swapped;) {
    swapped = false;
    for (const row of rows) {
      const first = row.replicas[0];
      if (!leaders.has(first)) continue;
      const best = leastLoaded(row.replicas.filter((id) => leaders.has(id)), leaders);
      if (best === undefined || leaders.get(first)! - leaders.get(best)! < 2) continue;
      const at = row.replicas.indexOf(best);
      row.replicas[at] = first;
      row.replicas[0] = best;
      leaders.set(first, leaders.get(first)! - 1);
      leaders.set(best, leaders.get(best)! + 1);
      swapped = true;
    }
  }
  return changed(rows);
}

/**
 * The moves that take every replica off `brokerId`.
 *
 * @param brokers the brokers that may take replicas (live, not drained; `brokerId` is ignored)
 * @throws {RivuletError} `not_enough_brokers` when some partition has no broker left to take its
 *   replica: the message names it, its replication factor and the brokers that could hold it
 */
export function planDrain(topics: readonly TopicRecord[], brokerId: number, brokers: readonly number[]): PlannedMove[] {
  const eligible = [...new Set(brokers)].filter((id) => id !== brokerId).sort((a, b) => a - b);
  const rows = rowsOf(topics);
  const counts = countReplicas(rows, eligible);
  for (const row of rows) {
    const at = row.replicas.indexOf(brokerId);
    if (at < 0) continue;
    const to = leastLoaded(eligible.filter((b) => !row.replicas.includes(b)), counts);
    if (to === undefined) {
      throw new RivuletError(
        "not_enough_brokers",
        `broker ${brokerId} cannot be drained: ${row.topic}/${row.partition} has replication factor ${row.replicas.length} and only ${eligible.length} other live broker${eligible.length === 1 ? "" : "s"} (${eligible.join(", ") || "none"}) could hold it; add a broker first`,
        { broker: brokerId, topic: row.topic, partition: row.partition, replication_factor: row.replicas.length, brokers: eligible },
      );
    }
    row.replicas[at] = to;
    counts.set(to, counts.get(to)! + 1);
  }
  return changed(rows);
}
