/**
 * The messages between the runtime (main thread) and its pool workers: one tagged union each
 * way. Every request names the task (its partition number) and the task's incarnation (`epoch`,
 * bumped each time the runtime opens the task); a worker that does not hold that incarnation
 * answers `stale`, and the runtime opens the task there (restoring its stores) before going on.
 * Record batches to a worker cross as transferred ArrayBuffers (batch-codec.ts); results come back
 * copied (see pool-worker.ts). Errors thrown by the task
 * cross as data and are rebuilt on the main thread; a worker that dies rejects the call instead.
 */
import type { ErrorData } from "../../core/errors.ts";
import type { StoreSizes } from "../../broker/processors-api.ts";
import type { StoreRestorePoint } from "../state/task-stores.ts";

/** A request to a pool worker. */
export type PoolRequest =
  | { op: "open"; partition: number; epoch: number; moduleUrl: string; stateDir: string; storeBytesMax: number; partitions: Record<string, number> }
  | { op: "restore"; partition: number; epoch: number; store: string; batches: ArrayBuffer; fromOffset: number; aborted?: { producerId: number; firstOffset: number }[] }
  | { op: "process"; partition: number; epoch: number; records: ArrayBuffer }
  | { op: "tick"; partition: number; epoch: number; nowMs: number }
  | { op: "snapshot"; partition: number; epoch: number; changelogOffsets: Record<string, number> }
  | { op: "query"; partition: number; epoch: number; store: string; key: unknown; windowStart?: number }
  | { op: "close"; partition: number; epoch: number };

/** A pool worker's answer. */
export type PoolReply =
  | { ok: "stale" }
  | { ok: false; error: ErrorData }
  | { ok: true; op: "open"; points: StoreRestorePoint[]; threadId: number }
  | { ok: true; op: "restore"; applied: number; stores: StoreSizes }
  | { ok: true; op: "result"; records: ArrayBuffer; lateDropped: number; stores: StoreSizes }
  | { ok: true; op: "snapshot"; written: string[] }
  | { ok: true; op: "query"; found: boolean; value: unknown }
  | { ok: true; op: "close" };

/** Piscina's symbol for per-task routing data (read by the load balancer; not sent). */
export const QUEUE_OPTIONS = Symbol.for("Piscina.queueOptions");
