/**
 * Renders consumed records as JSON straight into bytes, in the same shape as
 * `json-records-out.ts` (which stays the reference and the fallback). Stored keys of plain
 * printable ASCII and stored values that are one-line UTF-8 JSON — the common case — are
 * copied as they are, after a check that allocates nothing; everything else goes through the
 * string renderer.
 */
import type { ConsumedRecord } from "../../broker/types.ts";
import { ByteWriter } from "../json/byte-writer.ts";
import { checkJsonBytes, JsonBytes } from "../json/json-bytes-check.ts";
import { headersJson, keyJson, valueJson } from "./json-records-out.ts";

/** True when the bytes can sit between JSON quotes as they are: printable ASCII, no `"` or `\`. */
function plainAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/**
 * Appends one record as one line of JSON.
 *
 * @param w the writer
 * @param record the consumed record
 * @param withTopic include `topic` and `partition`
 */
export function writeRecordJson(w: ByteWriter, record: ConsumedRecord, withTopic = false): void {
  if (withTopic) {
    w.text(`{"topic":${JSON.stringify(record.topic)},"partition":`);
    w.integer(record.partition);
    w.ascii(`,"offset":`);
  } else w.ascii(`{"offset":`);
  w.integer(record.offset);
  w.ascii(`,"timestamp":`);
  w.integer(record.timestamp);
  const { key, value } = record;
  if (key !== null && plainAscii(key)) {
    w.ascii(`,"key":"`);
    w.bytes(key);
    w.ascii(`"`);
  } else w.text(`,${keyJson(key)}`);
  const check = value === null ? JsonBytes.Invalid : checkJsonBytes(value);
  if (check === JsonBytes.OneLine) {
    w.ascii(`,"value":`);
    w.bytes(value!);
  } else if (check === JsonBytes.Invalid && value !== null) {
    w.ascii(`,"value_b64":"`);
    w.base64(value);
    w.ascii(`"`);
  } else w.text(`,${valueJson(value)}`);
  if (record.headers.length === 0) w.ascii(`,"headers":{}}`);
  else w.text(`,${headersJson(record.headers)}}`);
}

/**
 * Appends records as a JSON array.
 *
 * @param w the writer
 * @param records consumed records
 * @param withTopic include `topic` and `partition`
 */
export function writeRecordsJson(w: ByteWriter, records: readonly ConsumedRecord[], withTopic = false): void {
  w.ascii("[");
  for (let i = 0; i < records.length; i++) {
    if (i > 0) w.ascii(",");
    writeRecordJson(w, records[i], withTopic);
  }
  w.ascii("]");
}

/** A writer sized for rendering these records (so it rarely grows). */
export function writerFor(records: readonly ConsumedRecord[]): ByteWriter {
  let bytes = 256;
  for (const r of records) bytes += 96 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  return new ByteWriter(bytes);
}

export { ByteWriter };
