/** Helpers for tests of the stream-processing runtime. */
import type { Broker } from "../../../groups/broker.ts";

/** The hand-written counting topology (see counter-topology.ts). */
export const counterModule = new URL("./counter-topology.ts", import.meta.url);

/**
 * Waits until `condition()` holds, re-checking as the app makes progress (every 10 ms); fails
 * with `what` after `timeoutMs` (a generous bound for a loaded machine, not a pacing device).
 */
export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Produces `count` records keyed `w0`…`w{keys-1}` round-robin to `words`; returns the count per key. */
export async function produceWords(broker: Broker, count: number, keys: number, oracle: Map<string, number> = new Map()): Promise<Map<string, number>> {
  const records = Array.from({ length: count }, (_, i) => ({ key: `w${i % keys}`, value: "x", timestamp: 1_000 + i }));
  for (const r of records) oracle.set(r.key, (oracle.get(r.key) ?? 0) + 1);
  for (let i = 0; i < records.length; i += 1000) await broker.produce("words", records.slice(i, i + 1000));
  return oracle;
}

/** Reads a whole topic: the last value per key. */
export async function lastValues(broker: Broker, topic: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const { partitions } = broker.topicConfig(topic);
  for (let p = 0; p < partitions; p++) {
    let offset = 0;
    for (;;) {
      const fetched = await broker.fetch(topic, p, { offset, maxRecords: 10_000 });
      for (const r of fetched.records) out.set(new TextDecoder().decode(r.key!), new TextDecoder().decode(r.value!));
      if (fetched.nextOffset >= fetched.highWatermark) break;
      offset = fetched.nextOffset;
    }
  }
  return out;
}
