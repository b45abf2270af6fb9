/**
 * The controller's write path: a txn whose first compare is "the controller key's
 * create_revision is still my controller epoch". The key is bound to the controller's lease and
 * created only when absent, so its create_revision changes exactly when control changes hands:
 * a deposed controller (lease lost, resigned, or replaced) fails the compare and writes nothing,
 * however late its request arrives (a fencing token checked by etcd itself).
 */
import { RivuletError } from "../../core/errors.ts";
import type { CallOptions } from "../etcd/etcd-transport.ts";
import type { EtcdClient } from "../etcd/etcd-client.ts";
import type { Compare, TxnOp, TxnResponse } from "../etcd/etcd-types.ts";

/** A controller write: the caller's own compares and ops, run only while the guard holds. */
export interface GuardedTxnRequest {
  /** Extra conditions, e.g. a partition state's mod_revision for compare-and-set. */
  compare?: Compare[];
  success: TxnOp[];
  failure?: TxnOp[];
}

/**
 * Runs `request` only if `controllerKey` still has create_revision `epoch`.
 *
 * @param guard the controller key and the epoch the writer holds
 * @returns the txn's answer: `succeeded` false means the caller's own compares failed, and
 *   `responses` answer its `failure` ops
 * @throws {RivuletError} `not_controller` when the guard fails (nothing was written)
 * @example
 * ```ts
 * await guardedTxn(etcd, { controllerKey: keys.controller, epoch }, {
 *   success: [{ put: { key: keys.partition("orders", 0), value: JSON.stringify(state) } }],
 * });
 * ```
 */
export async function guardedTxn(
  client: EtcdClient,
  guard: { controllerKey: string; epoch: number },
  request: GuardedTxnRequest,
  options?: CallOptions,
): Promise<TxnResponse> {
  const answer = await client.txn(
    {
      compare: [{ key: guard.controllerKey, target: "create_revision", result: "equal", value: guard.epoch }, ...(request.compare ?? [])],
      success: request.success,
      failure: [{ range: { key: guard.controllerKey } }, ...(request.failure ?? [])],
    },
    options,
  );
  if (answer.succeeded) return answer;
  const [read, ...rest] = answer.responses;
  const holder = read && "range" in read ? read.range.kvs[0] : undefined;
  if (!holder || holder.createRevision !== guard.epoch) {
    throw new RivuletError("not_controller", `controller epoch ${guard.epoch} is over (now ${holder ? `epoch ${holder.createRevision}` : "no controller"}): nothing was written`, {
      epoch: guard.epoch,
      current_epoch: holder?.createRevision ?? 0,
    });
  }
  return { ...answer, responses: rest };
}
