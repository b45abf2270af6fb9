/**
 * Where a new topic's replicas go: spread over the live brokers so that leaders and followers
 * are balanced, in the manner of Kafka's rack-unaware assignment. The first replica of
 * partition p (its preferred leader) is broker `(start + p) mod n`; the others follow it at a
 * distance that grows by one each time the partitions have gone once round the brokers, so
 * followers of one broker's partitions are spread over all the others instead of always being
 * its next neighbours. `start` and the first distance rotate between topics (the controller
 * passes a counter), so many small topics do not all lead on the same broker.
 */
import { RivuletError } from "../../core/errors.ts";

/**
 * Assigns `replicationFactor` distinct brokers to each of `partitions` partitions.
 *
 * @param brokers live broker ids (any order; sorted here so the result depends only on the set)
 * @param rotation a counter that moves the starting broker and the first follower distance
 * @returns `replicas[p]`, the preferred leader first
 * @throws {RivuletError} `invalid_replication_factor` when the factor is not in 1..brokers.length
 * @example
 * ```ts
 * assignReplicas([1, 2, 3], 3, 2, 0); // [[1, 2], [2, 3], [3, 1]]
 * ```
 */
export function assignReplicas(brokers: readonly number[], partitions: number, replicationFactor: number, rotation: number): number[][] {
  const ids = [...new Set(brokers)].sort((a, b) => a - b);
  const n = ids.length;
  if (!Number.isInteger(replicationFactor) || replicationFactor < 1 || replicationFactor > n) {
    throw new RivuletError(
      "invalid_replication_factor",
      `replication factor ${replicationFactor} must be an integer from 1 to the ${n} live broker${n === 1 ? "" : "s"}`,
      { replication_factor: replicationFactor, live_brokers: n },
    );
  }
  const start = ((rotation % n) + n) % n;
  const replicas: number[][] = [];
  for (let p = 0; p < partitions; p++) {
    const first = (start + p) % n;
    const row = [ids[first]];
    if (n > 1) {
      const distance = (start + Math.floor(p / n)) % (n - 1);
      for (let j = 1; j < replicationFactor; j++) row.push(ids[(first + 1 + ((distance + j - 1) % (n - 1))) % n]);
    }
    replicas.push(row);
  }
  return replicas;
}
