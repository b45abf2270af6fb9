/**
 * The one record set every system is measured with: 100-byte values, keys from 10,000 distinct
 * keys. A value is the UTF-8 text of a JSON string (`"#0000000042…"`), so the very same 100 bytes
 * are stored whether a system takes JSON (Rivulet's HTTP API, Durable Streams) or raw bytes
 * (CBOR, Redis, NATS, Kafka). Its sequence number sits at a fixed place (`#` + 10 digits) so a
 * latency consumer can find it in any representation.
 */

/** Bytes of every value. */
export const VALUE_BYTES = 100;
/** Distinct keys the records cycle through. */
export const KEY_COUNT = 10_000;
/** Records per produce call / pipeline / POST. */
export const BATCH_RECORDS = 1_000;

const FILLER = "abcdefghijklmnopqrstuvwxyz0123456789".repeat(3);
const SEQ_DIGITS = 10;
const encoder = new TextEncoder();

/** Key `i` as text (`key-0` … `key-9999`). */
export function keyText(seq: number): string {
  return `key-${seq % KEY_COUNT}`;
}

/** The JSON string of record `seq`: exactly VALUE_BYTES bytes of UTF-8 text, quotes included. */
export function valueText(seq: number): string {
  const head = `#${String(seq).padStart(SEQ_DIGITS, "0")}`;
  return `"${head}${FILLER.slice(0, VALUE_BYTES - 2 - head.length)}"`;
}

/** The value of record `seq` as bytes (the same bytes as `valueText`). */
export function valueBytes(seq: number): Uint8Array {
  return encoder.encode(valueText(seq));
}

/** The value as the JSON value it encodes (a string without the quotes). */
export function valueJson(seq: number): string {
  const text = valueText(seq);
  return text.slice(1, -1);
}

const seqPattern = /#(\d{10})/g;

/**
 * Every sequence number found in some text (a JSON body, SSE data, a decoded value).
 *
 * @param text text holding zero or more values
 * @param each called with each sequence number, in order
 */
export function forEachSeq(text: string, each: (seq: number) => void): void {
  seqPattern.lastIndex = 0;
  for (let m = seqPattern.exec(text); m; m = seqPattern.exec(text)) each(Number(m[1]));
}

/** The sequence number of one value given as bytes. */
export function seqOfBytes(value: Uint8Array): number {
  let seq = 0;
  for (let i = 2; i < 2 + SEQ_DIGITS; i++) seq = seq * 10 + (value[i] - 48);
  return seq;
}
