/**
 * What the controller's parts share (leader changes, topic txns, partition moves, request
 * keys): the metadata cache they plan from, the election whose guarded txns they write with
 * (a deposed controller writes nothing, `not_controller`), the limits, the current term's
 * signal and the event listener. {@link Controller} builds one and hands it to each part.
 */
import { pause } from "../../core/abortable.ts";
import type { Limits } from "../../core/limits.ts";
import type { ControllerElection } from "../membership/controller-election.ts";
import type { MetadataCache } from "../membership/metadata-cache.ts";
import type { PartitionState } from "../membership/metadata-records.ts";
import type { TxnOp } from "../etcd/etcd-types.ts";
import type { Election } from "./leader-election.ts";
import type { MovesResult } from "./topic-requests.ts";

/** A change the controller made, for logs, metrics and tests. */
export type ControllerEvent =
  | { type: "elected"; epoch: number }
  | { type: "deposed"; epoch: number }
  | { type: "leader"; topic: string; partition: number; kind: Election["kind"] | "isr"; state: PartitionState }
  | { type: "topic_created"; topic: string; replicas: number[][] }
  | { type: "topic_deleted"; topic: string }
  | { type: "move_started"; topic: string; partition: number; replicas: number[] }
  | { type: "move_completed"; topic: string; partition: number; state: PartitionState };

/** The controller as its parts see it. */
export interface ControllerContext {
  readonly cache: MetadataCache;
  readonly election: ControllerElection;
  readonly limits: Limits;
  /** The current term's signal; undefined between terms. */
  signal(): AbortSignal | undefined;
  /** Tells the listener of a change made (never throws). */
  emit(event: ControllerEvent): void;
}

/** The request key a controller write must find unchanged, and the outcome it writes there. */
export type RequestGuard = Array<{ compare: { key: string; target: "mod_revision"; result: "equal"; value: number }; answer: (result?: MovesResult) => TxnOp }>;

/** Waits `ms` or until `signal` aborts; at once without a signal (no term). */
export function pauseOn(signal: AbortSignal | undefined, ms: number): Promise<void> {
  return signal ? pause(ms, signal) : Promise.resolve();
}
