/**
 * The bytes a task's records cross threads in: one `ArrayBuffer` per batch, moved (transferred,
 * not copied) between the main thread and a pool worker. Decoded keys and values are views into
 * that buffer, so a batch costs one allocation each way.
 *
 * Layout (little-endian): a string table (count u16, then per string: length u16, UTF-8), a
 * record count u32, then per record a fixed head and the key and value bytes (length i32, -1 for
 * null). Input record: name index u16 (topic), partition u32, offset f64, timestamp f64, key,
 * value. Output record: name index u16 (topic), partition i32 (-1: the partitioner decides),
 * timestamp f64, key, value. Changelog write: name index u16 (store), key, value. (A restore
 * moves the changelog's stored batches as they are: see TaskStores.applyChangelogBatches.)
 */
import type { ChangelogWrite, InputRecord, OutputRecord } from "../task-contract.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

class Writer {
  bytes: Uint8Array;
  view: DataView;
  at = 0;
  names = new Map<string, number>();
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  name(name: string): number {
    let index = this.names.get(name);
    if (index === undefined) this.names.set(name, (index = this.names.size));
    return index;
  }
  blob(data: Uint8Array | null): void {
    if (data === null) {
      this.view.setInt32(this.at, -1, true);
      this.at += 4;
      return;
    }
    this.view.setInt32(this.at, data.length, true);
    this.bytes.set(data, this.at + 4);
    this.at += 4 + data.length;
  }
  /** The string table, then the body written so far. */
  finish(): ArrayBuffer {
    const table = [...this.names.keys()].map((n) => encoder.encode(n));
    const head = 2 + table.reduce((sum, t) => sum + 2 + t.length, 0);
    const out = new Uint8Array(head + this.at);
    const view = new DataView(out.buffer);
    view.setUint16(0, table.length, true);
    let at = 2;
    for (const t of table) {
      view.setUint16(at, t.length, true);
      out.set(t, at + 2);
      at += 2 + t.length;
    }
    out.set(this.bytes.subarray(0, this.at), head);
    return out.buffer;
  }
}

class Reader {
  bytes: Uint8Array;
  view: DataView;
  at = 0;
  names: string[] = [];
  constructor(buffer: ArrayBuffer) {
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
    const count = this.view.getUint16(0, true);
    this.at = 2;
    for (let i = 0; i < count; i++) {
      const length = this.view.getUint16(this.at, true);
      this.names.push(decoder.decode(this.bytes.subarray(this.at + 2, this.at + 2 + length)));
      this.at += 2 + length;
    }
  }
  blob(): Uint8Array | null {
    const length = this.view.getInt32(this.at, true);
    this.at += 4;
    if (length < 0) return null;
    const data = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return data;
  }
}

const sizeOf = (data: Uint8Array | null) => 4 + (data?.length ?? 0);

/** Encodes input records for a task call. */
export function encodeInputs(records: readonly InputRecord[]): ArrayBuffer {
  let size = 4;
  for (const r of records) size += 22 + sizeOf(r.key) + sizeOf(r.value);
  const w = new Writer(size);
  w.view.setUint32(0, records.length, true);
  w.at = 4;
  for (const r of records) {
    w.view.setUint16(w.at, w.name(r.topic), true);
    w.view.setUint32(w.at + 2, r.partition, true);
    w.view.setFloat64(w.at + 6, r.offset, true);
    w.view.setFloat64(w.at + 14, r.timestamp, true);
    w.at += 22;
    w.blob(r.key);
    w.blob(r.value);
  }
  return w.finish();
}

/** Decodes {@link encodeInputs}' bytes; keys and values are views into `buffer`. */
export function decodeInputs(buffer: ArrayBuffer): InputRecord[] {
  const r = new Reader(buffer);
  const count = r.view.getUint32(r.at, true);
  r.at += 4;
  const out: InputRecord[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const topic = r.names[r.view.getUint16(r.at, true)];
    const partition = r.view.getUint32(r.at + 2, true);
    const offset = r.view.getFloat64(r.at + 6, true);
    const timestamp = r.view.getFloat64(r.at + 14, true);
    r.at += 22;
    const key = r.blob();
    const value = r.blob();
    out[i] = { topic, partition, offset, timestamp, key, value };
  }
  return out;
}

/** A task result's records, as they cross back. */
export interface ResultRecords {
  outputs: OutputRecord[];
  changelog: ChangelogWrite[];
}

/** Encodes a task result's outputs and changelog writes. */
export function encodeResult(outputs: readonly OutputRecord[], changelog: readonly ChangelogWrite[]): ArrayBuffer {
  let size = 8;
  for (const o of outputs) size += 14 + sizeOf(o.key) + sizeOf(o.value);
  for (const c of changelog) size += 2 + sizeOf(c.key) + sizeOf(c.value);
  const w = new Writer(size);
  w.view.setUint32(0, outputs.length, true);
  w.view.setUint32(4, changelog.length, true);
  w.at = 8;
  for (const o of outputs) {
    w.view.setUint16(w.at, w.name(o.topic), true);
    w.view.setInt32(w.at + 2, o.partition ?? -1, true);
    w.view.setFloat64(w.at + 6, o.timestamp, true);
    w.at += 14;
    w.blob(o.key);
    w.blob(o.value);
  }
  for (const c of changelog) {
    w.view.setUint16(w.at, w.name(c.store), true);
    w.at += 2;
    w.blob(c.key);
    w.blob(c.value);
  }
  return w.finish();
}

/** Decodes {@link encodeResult}'s bytes. */
export function decodeResult(buffer: ArrayBuffer): ResultRecords {
  const r = new Reader(buffer);
  const outputCount = r.view.getUint32(r.at, true);
  const changelogCount = r.view.getUint32(r.at + 4, true);
  r.at += 8;
  const outputs: OutputRecord[] = new Array(outputCount);
  for (let i = 0; i < outputCount; i++) {
    const topic = r.names[r.view.getUint16(r.at, true)];
    const partition = r.view.getInt32(r.at + 2, true);
    const timestamp = r.view.getFloat64(r.at + 6, true);
    r.at += 14;
    const key = r.blob();
    const value = r.blob();
    outputs[i] = partition < 0 ? { topic, key, value, timestamp } : { topic, key, value, timestamp, partition };
  }
  const changelog: ChangelogWrite[] = new Array(changelogCount);
  for (let i = 0; i < changelogCount; i++) {
    const store = r.names[r.view.getUint16(r.at, true)];
    r.at += 2;
    const key = r.blob() ?? new Uint8Array(0);
    const value = r.blob();
    changelog[i] = { store, key, value };
  }
  return { outputs, changelog };
}
