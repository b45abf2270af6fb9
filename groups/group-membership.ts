/**
 * What the coordinator needs from a group's membership, whichever kind it is: Kafka-style
 * ({@link Group}, client-side assignment) or managed ({@link ManagedGroup}, server-side).
 * A group holds one kind at a time; offsets live apart, in {@link GroupOffsets}.
 */
import type { Clock } from "../core/clock.ts";
import type { RivuletError } from "../core/errors.ts";
import type { Limits } from "../core/limits.ts";
import type { GroupMemberDescription, GroupState, TopicPartition } from "../broker/group-api.ts";
import type { Timers } from "./group-timers.ts";

/** Shared services handed to every group by the coordinator. */
export interface GroupContext {
  clock: Clock;
  timers: Timers;
  limits: Limits;
  /** Called when the group has no members left (nor members waiting to rejoin). */
  onEmpty: (groupId: string) => void;
}

/** The membership side of one group. */
export interface GroupMembership {
  readonly groupId: string;
  /** "kafka" for JoinGroup/SyncGroup members, "managed" for server-assigned ones. */
  readonly kind: "kafka" | "managed";
  readonly generation: number;
  readonly state: GroupState;
  readonly protocolType: string;
  /** The chosen protocol (Kafka) or assignor (managed); "" when none. */
  readonly protocol: string;
  /** Members, plus (Kafka) ids handed out with member_id_required and not yet used. */
  readonly size: number;
  /** Kafka's Heartbeat. @throws {RivuletError} unknown_member, illegal_generation, rebalance_in_progress */
  heartbeat(generationId: number, memberId: string): void;
  /** Removes members. @throws {RivuletError} unknown_member naming any unknown ids (the others are removed) */
  leave(memberIds: string[]): void;
  /**
   * Checks that this member may commit these partitions now (group has members).
   * @throws {RivuletError} unknown_member, illegal_generation, rebalance_in_progress
   */
  checkCommit(generationId: number, memberId: string, partitions: TopicPartition[]): void;
  describeMembers(): GroupMemberDescription[];
  /** Stops timers and rejects held requests with `reason` (`closed` by default). */
  close(reason?: RivuletError): void;
}
