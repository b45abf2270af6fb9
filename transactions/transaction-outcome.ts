/**
 * What carrying out a decided transaction (PrepareCommit / PrepareAbort) writes, before the
 * coordinator records it Complete*: a commit or abort marker on every partition of the
 * transaction that still exists (a deleted topic's marker has nowhere to go), then, on commit,
 * the offsets its TxnOffsetCommits staged, group by group (on abort, in a cluster, the groups'
 * coordinator is told to drop the ones it holds). Every step may be repeated (a retry,
 * a recovery after a crash): a repeated marker ends nothing more, a repeated offset commit stores
 * the same offsets.
 */
import type { OffsetCommitEntry } from "../broker/group-api.ts";
import type { TxnMarker } from "../broker/types.ts";
import type { TransactionMetadata } from "./transaction-metadata.ts";

/** What writing an outcome needs from the broker. */
export interface OutcomeHost {
  /**
   * The coordinator's epoch, carried in every marker: the leader epoch of the
   * `__transaction_state` partition it coordinates (0 for a broker alone), so a partition
   * leader can tell a newer coordinator's markers from a deposed one's.
   */
  readonly coordinatorEpoch: number;
  writeTxnMarkers(markers: TxnMarker[]): Promise<void>;
  /**
   * Commits a transaction's offsets to a group, bypassing membership (TxnOffsetCommit checked
   * it); `txn` names the transaction (a clustered broker sends its marker to the groups'
   * coordinator on another broker, which holds the offsets).
   */
  commitTransactionOffsets(groupId: string, offsets: OffsetCommitEntry[], txn: { producerId: number; producerEpoch: number; coordinatorEpoch: number }): Promise<void>;
  /**
   * An aborted transaction had offsets: a clustered broker tells the groups' coordinator on
   * another broker, which drops those it holds (alone, the offsets lived only in the transaction).
   */
  dropTransactionOffsets?(txn: { producerId: number; producerEpoch: number; coordinatorEpoch: number }): Promise<void>;
  /** Partition count of a topic, undefined when it does not exist. */
  partitionsOf(topic: string): number | undefined;
}

/**
 * Writes the markers of `meta`'s outcome, skipping the partitions in `written` and adding each
 * one whose marker lands (so a retry after a partial failure writes only the rest), then, on
 * commit, its offsets.
 *
 * @throws the first marker failure (after every marker was tried), or an offset commit's failure
 */
export async function writeOutcome(host: OutcomeHost, meta: TransactionMetadata, written: Set<string>): Promise<void> {
  const commit = meta.state === "PrepareCommit";
  const live = meta.partitions.filter((p) => p.partition < (host.partitionsOf(p.topic) ?? 0) && !written.has(`${p.topic}\0${p.partition}`));
  const results = await Promise.allSettled(live.map(async ({ topic, partition }) => {
    await host.writeTxnMarkers([{ topic, partition, producerId: meta.producerId, producerEpoch: meta.producerEpoch, coordinatorEpoch: host.coordinatorEpoch, commit }]);
    written.add(`${topic}\0${partition}`);
  }));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) throw failed.reason;
  const txn = { producerId: meta.producerId, producerEpoch: meta.producerEpoch, coordinatorEpoch: host.coordinatorEpoch };
  if (!commit) {
    if (meta.offsets.length > 0) await host.dropTransactionOffsets?.(txn);
    return;
  }
  const byGroup = new Map<string, OffsetCommitEntry[]>();
  for (const o of meta.offsets) {
    const list = byGroup.get(o.groupId) ?? [];
    list.push({ topic: o.topic, partition: o.partition, offset: o.offset, metadata: o.metadata });
    byGroup.set(o.groupId, list);
  }
  for (const [groupId, offsets] of byGroup) await host.commitTransactionOffsets(groupId, offsets, txn);
}
