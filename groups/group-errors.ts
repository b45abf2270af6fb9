/**
 * The RivuletErrors the group coordinator raises most, built in one place so their messages
 * and details read the same for Kafka-style and managed groups.
 */
import { RivuletError } from "../core/errors.ts";

/** `unknown_member`: the member is not (or no longer) in the group; Kafka clients rejoin. */
export function unknownMember(groupId: string, memberId: string): RivuletError {
  return new RivuletError("unknown_member", `member "${memberId}" is not in group "${groupId}"`, { groupId, memberId });
}

/** `illegal_generation`: the request names a generation other than the current one. */
export function illegalGeneration(groupId: string, generationId: number, current: number): RivuletError {
  return new RivuletError("illegal_generation", `generation ${generationId} is not group "${groupId}"'s current generation ${current}`, { groupId, generationId, current });
}

/** `rebalance_in_progress` (retriable): Kafka clients rejoin on it. */
export function rebalanceInProgress(groupId: string): RivuletError {
  return new RivuletError("rebalance_in_progress", `group "${groupId}" is rebalancing`, { groupId });
}

/** `closed`: the coordinator has been closed. */
export function coordinatorClosed(): RivuletError {
  return new RivuletError("closed", "the group coordinator is closed");
}

/**
 * `not_coordinator` (retriable): in a cluster, another broker leads `__consumer_offsets`
 * partition 0 and so coordinates the groups; Kafka clients find the coordinator again.
 */
export function notCoordinator(): RivuletError {
  return new RivuletError("not_coordinator", "this broker does not coordinate consumer groups (it does not lead __consumer_offsets/0): find the group coordinator again");
}
