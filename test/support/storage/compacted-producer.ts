/**
 * Test support: an idempotent producer's batches followed by plain writes that supersede most
 * of their keys, so compaction thins every one of the producer's batches and empties the last.
 * Shared by the storage and broker tests of compaction. Not used by production code.
 */
import { encodeRecordBatch, decodeRecords } from "../../../record/record-batch.ts";
import type { ManualClock } from "../../../core/clock.ts";
import type { Log } from "../../../storage/log.ts";
import { keyed } from "./log.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

export const PID = 5;
export const EPOCH = 2;
export const BATCHES = 12;

/**
 * Batch `j` of producer PID (sequence 2j): key k(j%4) — superseded by the plain writes that
 * follow — and, for all but the last batch, a key of its own that survives. So compaction
 * thins every batch to one record at offset delta 1, and empties the last one.
 */
export function idem(j: number, timestamp: number): Uint8Array {
  const keys = j === BATCHES - 1 ? [`k${j % 4}`, `k${(j + 1) % 4}`] : [`k${j % 4}`, `own${j}`];
  return encodeRecordBatch(keys.map((k) => ({ key: enc.encode(k), value: enc.encode(`p${j}-${k}`), headers: [], timestamp })), { producerId: PID, producerEpoch: EPOCH, baseSequence: 2 * j });
}

export interface Written { offset: number; key: string; value: string }

/** Writes the producer's batches, then plain writes superseding k0-k3 until a few segments rolled. */
export async function fill(log: Log, clock: ManualClock): Promise<{ written: Written[]; answers: { baseOffset: number; lastOffset: number }[] }> {
  const written: Written[] = [];
  const answers: { baseOffset: number; lastOffset: number }[] = [];
  for (let j = 0; j < BATCHES; j++) {
    const bytes = idem(j, clock.now());
    const r = await log.append(bytes);
    answers.push({ baseOffset: r.baseOffset, lastOffset: r.lastOffset });
    decodeRecords(bytes).forEach((rec, i) => written.push({ offset: r.baseOffset + i, key: dec.decode(rec.key!), value: dec.decode(rec.value!) }));
  }
  // a plain batch whose records are all superseded: dropped whole (no producer to remember)
  for (let i = 0; i < 60; i++) {
    const key = `k${i % 4}`;
    const r = await log.append(keyed(key, `plain${i}`, clock.now()));
    written.push({ offset: r.baseOffset, key, value: `plain${i}` });
  }
  return { written, answers };
}

