/**
 * The crash oracle's input, a pure function of the record count: `oracle-in` has
 * {@link ORACLE_PARTITIONS} partitions, partition p holds records j = 0 … n/P − 1 whose value is
 * the word {@link wordOf}(p, j); the app (oracle-topology.ts) counts words through a repartition
 * topic. The test folds the same function to get the expected count per word.
 */
export const ORACLE_INPUT = "oracle-in";
export const ORACLE_OUTPUT = "oracle-out";
export const ORACLE_APP = "oracle-counter";
export const ORACLE_PARTITIONS = 2;
export const ORACLE_WORDS = 200;

/** The word of record `j` of partition `p`. */
export function wordOf(p: number, j: number): string {
  return `w${(j * 7 + p * 3) % ORACLE_WORDS}`;
}

/** Records per partition for a total of `records` (rounded down to whole partitions). */
export function perPartition(records: number): number {
  return Math.floor(records / ORACLE_PARTITIONS);
}

/** The fold of the input: records per word. */
export function foldInput(records: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let p = 0; p < ORACLE_PARTITIONS; p++) {
    for (let j = 0; j < perPartition(records); j++) counts.set(wordOf(p, j), (counts.get(wordOf(p, j)) ?? 0) + 1);
  }
  return counts;
}
