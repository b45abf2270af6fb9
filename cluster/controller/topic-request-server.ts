/**
 * The controller serving request keys ({@link TopicRequester}): a broker that is not the
 * controller writes its topic request (create, delete, reassign, drain, rebalance) under
 * `/<c>/requests/`; while its term lasts the controller serves those waiting, then each new
 * one, and writes the outcome into the request key in the same txn as the change (guarded by
 * the request key's mod_revision, so a request is served once). A request refused with a
 * typed error gets that error as its outcome; `not_controller` and `conflict` are left for
 * the next controller or the next look.
 */
import { RivuletError, isRivuletError } from "../../core/errors.ts";
import type { EtcdClient } from "../etcd/etcd-client.ts";
import type { TxnOp } from "../etcd/etcd-types.ts";
import { parseStoredRequest, requestPrefix, type TopicRequest, type TopicRequestOutcome } from "./topic-requests.ts";
import { pauseOn, type ControllerContext, type RequestGuard } from "./controller-context.ts";

/** Makes a request's change with its guard (one at a time with the controller's other changes). */
export type ApplyTopicRequest = (request: TopicRequest, guard: RequestGuard) => Promise<unknown>;

/**
 * Serves request keys while this term lasts: those waiting now, then each new one; after an
 * etcd failure it reads them again, backing off.
 *
 * @param signal the term's signal: serving stops when it aborts
 * @returns once the term ends or this broker is deposed
 * @example
 * ```ts
 * void serveTopicRequests(context, registration.client, term.signal, (request, guard) => apply(request, guard));
 * ```
 */
export async function serveTopicRequests(context: ControllerContext, client: EtcdClient, signal: AbortSignal, apply: ApplyTopicRequest): Promise<void> {
  const prefix = requestPrefix(context.cache.keys.prefix);
  let backoff = context.limits.etcdRetryBackoffMinMs;
  while (!signal.aborted) {
    try {
      const page = await client.range({ key: prefix, prefix: true }, { signal });
      for (const kv of page.kvs) await serveRequest(context, apply, kv.key, kv.value, kv.modRevision, kv.lease);
      const watch = client.watch({ key: prefix, prefix: true, startRevision: page.header.revision + 1, signal });
      try {
        for await (const batch of watch) {
          for (const event of batch.events) {
            if (event.type === "put") await serveRequest(context, apply, event.kv.key, event.kv.value, event.kv.modRevision, event.kv.lease);
          }
        }
      } finally {
        watch.close();
      }
    } catch (error) {
      if (signal.aborted || isRivuletError(error, "not_controller")) return;
      await pauseOn(signal, backoff);
      backoff = Math.min(backoff * 2, context.limits.etcdRetryBackoffMaxMs);
    }
  }
}

async function serveRequest(context: ControllerContext, apply: ApplyTopicRequest, key: string, value: Uint8Array, modRevision: number, lease: string): Promise<void> {
  const stored = parseStoredRequest(value);
  if (!stored || stored.outcome) return;
  const request = stored.request;
  const answer = (outcome: TopicRequestOutcome): TxnOp => ({ put: { key, value: JSON.stringify({ request, outcome }), lease } });
  // The change's revision is the txn's own, known only afterwards: the outcome says 0 and the
  // requester takes the revision of the write that brought it (the same txn).
  const guard: RequestGuard = [{ compare: { key, target: "mod_revision", result: "equal", value: modRevision }, answer: (result) => answer({ ok: true, revision: 0, ...(result ? { result } : {}) }) }];
  try {
    if (request.op === "create" && request.internal && request.name.startsWith("__") && context.cache.topic(request.name)) throw new RivuletError("topic_exists", `topic ${request.name} already exists`);
    await apply(request, guard);
  } catch (error) {
    if (isRivuletError(error, "not_controller") || isRivuletError(error, "conflict")) throw error;
    if (!isRivuletError(error)) throw error;
    await context.election.controllerTxn({
      compare: [{ key, target: "mod_revision", result: "equal", value: modRevision }],
      success: [answer({ ok: false, code: error.code, message: error.message, details: error.info })],
    });
  }
}
