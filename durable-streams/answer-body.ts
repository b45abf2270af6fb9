/**
 * The body of a read answer: record values concatenated (JSON mode: one JSON array).
 */
import { isJsonMode } from "./content-type.ts";
import { joinJsonValues } from "./json-body.ts";

/**
 * Joins record values into an answer body.
 *
 * @param contentType the stream's content type
 * @param values record values in order
 * @param bytes their total length
 * @returns the body bytes (`[]` for no JSON messages, empty for no bytes)
 */
export function answerBody(contentType: string, values: readonly Uint8Array[], bytes: number): Uint8Array<ArrayBuffer> {
  if (isJsonMode(contentType)) return joinJsonValues(values);
  if (values.length === 1 && values[0].buffer instanceof ArrayBuffer) return values[0] as Uint8Array<ArrayBuffer>;
  const out = new Uint8Array(bytes);
  let at = 0;
  for (const value of values) {
    out.set(value, at);
    at += value.length;
  }
  return out;
}
