/**
 * Drained brokers: a broker drained of its replicas is written to `/<c>/drained/<id>` →
 * `{"broker_epoch": N}` (a kind of key the metadata cache ignores) with its broker epoch, and
 * until it registers anew (restarted, so its epoch changes), new topics and rebalances leave it
 * out.
 */
import { bytesText } from "../etcd/etcd-bytes.ts";
import type { MetadataCache } from "../membership/metadata-cache.ts";
import type { ControllerContext } from "./controller-context.ts";

/** Where a drained broker is marked: `/<c>/drained/<id>` → `{"broker_epoch": N}` (a kind of key the metadata cache ignores). */
export function drainedKey(prefix: string, id: number): string {
  return `${prefix}drained/${id}`;
}

/**
 * The drained brokers as stored: broker id → its broker epoch when drained (0: it was not registered).
 *
 * @throws {RivuletError} `not_controller` at once on a broker that is not the controller (or is cut off)
 */
export async function drainedBrokers({ cache, election }: ControllerContext): Promise<Map<number, number>> {
  const prefix = `${cache.keys.prefix}drained/`;
  // Read through the guard: a broker that is not the controller (or is cut off) fails at once with `not_controller`.
  const answer = await election.controllerTxn({ success: [{ range: { key: prefix, prefix: true } }] });
  const read = answer.responses[0];
  const drained = new Map<number, number>();
  for (const kv of read && "range" in read ? read.range.kvs : []) {
    const id = Number(kv.key.slice(prefix.length));
    try {
      const epoch = (JSON.parse(bytesText(kv.value)) as { broker_epoch?: unknown }).broker_epoch;
      if (Number.isInteger(id) && typeof epoch === "number") drained.set(id, epoch);
    } catch {
      // not a marker: ignored
    }
  }
  return drained;
}

/** The live brokers that are not drained (`drained`: broker id → broker epoch when drained). */
export function eligibleBrokers(cache: MetadataCache, drained: ReadonlyMap<number, number>): number[] {
  return cache.brokers().filter((b) => drained.get(b.id) !== b.epoch).map((b) => b.id);
}
