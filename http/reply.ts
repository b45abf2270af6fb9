/** Answers with a value in the encoding the client asked for (JSON or CBOR). */
import { Encoder } from "cbor-x";
import { type Encoding, mediaTypeOf } from "./media.ts";

/** CBOR as any client reads it: plain maps, untagged byte strings. */
const cbor = new Encoder({ useRecords: false, tagUint8Array: false, mapsAsObjects: true });

/**
 * Encodes a value as a JSON or CBOR response.
 *
 * @param value a plain value (for JSON: no byte arrays)
 * @param encoding the response encoding
 * @param status the HTTP status (default 200)
 * @returns the response
 */
export function replyWith(value: unknown, encoding: Encoding, status = 200): Response {
  if (encoding === "cbor") {
    const bytes = cbor.encode(value) as Uint8Array<ArrayBuffer>;
    return new Response(bytes, { status, headers: { "content-type": mediaTypeOf.cbor } });
  }
  return new Response(JSON.stringify(value), { status, headers: { "content-type": mediaTypeOf.json } });
}

/** A JSON response from text already rendered. */
export function replyJsonText(text: string, status = 200): Response {
  return new Response(text, { status, headers: { "content-type": mediaTypeOf.json } });
}

/** Encodes a value as CBOR bytes. */
export function encodeCbor(value: unknown): Uint8Array<ArrayBuffer> {
  return cbor.encode(value) as Uint8Array<ArrayBuffer>;
}

/** A CBOR response from bytes already encoded. */
export function replyCborBytes(bytes: Uint8Array<ArrayBuffer>, status = 200): Response {
  return new Response(bytes, { status, headers: { "content-type": mediaTypeOf.cbor } });
}

/** A JSON response from UTF-8 bytes already rendered. */
export function replyJsonBytes(bytes: Uint8Array<ArrayBuffer>, status = 200): Response {
  return new Response(bytes, { status, headers: { "content-type": mediaTypeOf.json } });
}
