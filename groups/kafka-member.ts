/**
 * A Kafka-style group member as {@link Group} tracks it, and the small promise plumbing used to
 * hold its JoinGroup and SyncGroup requests until the rebalance gets there.
 */
import { RivuletError } from "../core/errors.ts";
import type { Limits } from "../core/limits.ts";
import { decodeAssignment } from "./consumer-protocol.ts";
import type { GroupMemberDescription, JoinGroupRequest, JoinGroupResponse } from "../broker/group-api.ts";

/** A promise with its settle functions, for a request held until later. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

/**
 * Makes a {@link Deferred}.
 *
 * @example
 * ```ts
 * const held = defer<number>();
 * setTimeout(() => held.resolve(1), 10);
 * await held.promise; // 1
 * ```
 */
export function defer<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A protocol a member supports, with its opaque metadata. */
export interface MemberProtocol {
  name: string;
  metadata: Uint8Array;
}

/** One member of a Kafka-style group. */
export interface KafkaMember {
  readonly id: string;
  readonly clientId: string;
  readonly clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  /** In the member's order of preference. */
  protocols: MemberProtocol[];
  /** Set by the leader's SyncGroup; empty bytes until then. */
  assignment: Uint8Array;
  /** Its JoinGroup, while held. */
  joinWaiter: Deferred<JoinGroupResponse> | undefined;
  /** Its SyncGroup, while held. */
  syncWaiter: Deferred<Uint8Array> | undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** True when two protocol lists have the same names, order and metadata bytes. */
export function sameProtocols(a: MemberProtocol[], b: MemberProtocol[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i].name && sameBytes(p.metadata, b[i].metadata));
}

/**
 * Checks a JoinGroup against the limits and the group's members: the session timeout is in
 * range, and once the group has members, the protocol type matches and at least one protocol
 * is supported by every other member (Kafka's INCONSISTENT_GROUP_PROTOCOL otherwise).
 *
 * @throws {RivuletError} invalid_request
 */
export function checkJoinRequest(request: JoinGroupRequest, limits: Limits, groupId: string, protocolType: string, members: KafkaMember[]): void {
  const { sessionTimeoutMsMin: min, sessionTimeoutMsMax: max } = limits;
  if (!(request.sessionTimeoutMs >= min && request.sessionTimeoutMs <= max)) {
    throw new RivuletError("invalid_request", `session timeout ${request.sessionTimeoutMs} ms is outside ${min}-${max} ms`, { sessionTimeoutMs: request.sessionTimeoutMs, min, max });
  }
  if (request.protocolType === "" || request.protocols.length === 0) {
    throw new RivuletError("invalid_request", "JoinGroup needs a protocol type and at least one protocol");
  }
  if (members.length === 0) return;
  const others = members.filter((m) => m.id !== request.memberId);
  const common = request.protocols.some((p) => others.every((m) => m.protocols.some((q) => q.name === p.name)));
  if (request.protocolType !== protocolType || !common) {
    throw new RivuletError("invalid_request", `inconsistent group protocol: group "${groupId}" uses protocol type "${protocolType}" with protocols this member shares none of`, { groupId, reason: "inconsistent_group_protocol" });
  }
}

/** A member just joining, before {@link Group} records its protocols and timeouts. */
export function newKafkaMember(id: string, request: JoinGroupRequest): KafkaMember {
  return {
    id,
    clientId: request.clientId ?? "",
    clientHost: request.clientHost ?? "",
    sessionTimeoutMs: request.sessionTimeoutMs,
    rebalanceTimeoutMs: request.rebalanceTimeoutMs,
    protocols: request.protocols,
    assignment: new Uint8Array(0),
    joinWaiter: undefined,
    syncWaiter: undefined,
  };
}

/**
 * A member as DescribeGroups shows it: metadata for the group's chosen protocol, and for
 * protocol type "consumer" the assignment decoded (left empty when it does not decode).
 */
export function describeKafkaMember(member: KafkaMember, protocol: string, protocolType: string): GroupMemberDescription {
  const metadata = member.protocols.find((p) => p.name === protocol)?.metadata ?? new Uint8Array(0);
  let assignments: GroupMemberDescription["assignments"] = [];
  if (protocolType === "consumer") {
    try {
      assignments = decodeAssignment(member.assignment).partitions;
    } catch {
      // Not ConsumerProtocol bytes after all: describe shows the raw bytes only.
    }
  }
  return { memberId: member.id, clientId: member.clientId, clientHost: member.clientHost, metadata, assignment: member.assignment, assignments };
}
