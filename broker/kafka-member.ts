/**
 * A Kafka-style group member as {@link Group} tracks it, and the small promise plumbing used to
 * hold its JoinGroup and SyncGroup requests until the rebalance gets there.
 */
import type { JoinGroupResponse } from "./group-types.ts";

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
