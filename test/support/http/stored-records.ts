/** Reading back what a server stored, for tests that check each record is stored once. */
import * as assert from "uvu/assert";
import type { FetchReply } from "./fixture.ts";

/**
 * Every record of every partition of `topic` on the server at `base`, as `value → [partition,
 * offset]`; fails the test on a value stored twice.
 */
export async function storedRecords(base: string, topic: string, partitions: number): Promise<Map<string, [number, number]>> {
  const seen = new Map<string, [number, number]>();
  for (let p = 0; p < partitions; p++) {
    const res = await fetch(`${base}/v1/topics/${topic}/partitions/${p}/records?offset=0&max_records=10000`);
    const body = await res.json() as FetchReply;
    for (const r of body.records) {
      const value = String(r.value);
      assert.not.ok(seen.has(value), `${value} is stored twice`);
      seen.set(value, [p, r.offset]);
    }
  }
  return seen;
}
