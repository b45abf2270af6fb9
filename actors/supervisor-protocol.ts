/** Messages to the supervisor actor (the controller). Reads go through its read-only view. */
import type { TopicMetadata } from "./cluster-metadata.ts";

export type SupervisorRequest =
  | { type: "createTopic"; name: string; partitions: number; config: Record<string, unknown>; internal: boolean }
  | { type: "deleteTopic"; name: string }
  | { type: "createPartitions"; name: string; count: number }
  | { type: "allocateProducerId" }
  | { type: "fault"; kind: "crash" | "hang" | "break"; topic: string; partition: number };

export interface SupervisorReplies {
  createTopic: TopicMetadata;
  deleteTopic: null;
  createPartitions: TopicMetadata;
  allocateProducerId: number;
  fault: null;
}

export type SupervisorReply = SupervisorReplies[keyof SupervisorReplies];

/** Health of one partition, as the supervisor sees its worker. */
export type PartitionStatus = "online" | "restarting" | "offline";
