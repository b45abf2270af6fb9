/**
 * A topic as a clustered broker describes it: the cluster's metadata (partition count, config,
 * each partition's leader, replicas, ISR, leader epoch and, while it moves, the brokers joining
 * and leaving) with the local replica's offsets, where this broker holds one (a partition
 * with no replica here shows offsets 0 and worker -1).
 */
import { parseTopicConfig, type TopicConfig } from "../../core/topic-config.ts";
import type { TopicDescription } from "../../broker/types.ts";
import type { TopicRecord } from "../membership/metadata-records.ts";
import { localTopicConfig } from "../controller/cluster-topic-config.ts";
import { moveOf } from "../controller/reassignment.ts";
import type { ClusterView } from "./cluster-view.ts";

/**
 * The description of topic `name`, whose metadata is `record`.
 *
 * @param local the local broker's description, null when it holds no replica of the topic
 * @param view the cluster's view, for each partition's leadership
 * @example
 * ```ts
 * const description = describeClusterTopic("orders", node.cache.topic("orders")!, null, node.view);
 * ```
 */
export function describeClusterTopic(name: string, record: TopicRecord, local: TopicDescription | null, view: ClusterView): TopicDescription {
  return {
    name,
    config: local?.config ?? clusterTopicConfig(record),
    partitions: record.replicas.map((replicas, partition) => {
      const here = local?.partitions[partition];
      const state = view.partition(name, partition);
      return {
        partition,
        startOffset: here?.startOffset ?? 0,
        endOffset: here?.endOffset ?? 0,
        worker: here?.worker ?? -1,
        status: here?.status ?? "online",
        sizeBytes: here?.sizeBytes ?? 0,
        leader: state?.leader ?? -1,
        replicas: [...replicas],
        isr: state ? state.isr : [],
        leaderEpoch: state?.leader_epoch ?? 0,
        ...movingReplicas(record, partition),
      };
    }),
  };
}

/** The topic config a local replica of `record` opens with (the cluster-level keys left out). */
export function clusterTopicConfig(record: TopicRecord): TopicConfig {
  return parseTopicConfig(localTopicConfig(record.config));
}

/** A moving partition's brokers joining and leaving (nothing when it is not moving). */
function movingReplicas(record: TopicRecord, partition: number): { addingReplicas?: number[]; removingReplicas?: number[] } {
  const move = moveOf(record, partition);
  return move ? { addingReplicas: [...move.adding], removingReplicas: [...move.removing] } : {};
}
