/** Test helpers: run one API version's codec over whole bodies. Tests only. */
import * as assert from "uvu/assert";
import { apis, type ImplementedApi, type RequestOf, type ResponseOf } from "../../../../kafka/protocol/apis.ts";
import { Reader } from "../../../../kafka/protocol/reader.ts";
import { Writer } from "../../../../kafka/protocol/writer.ts";

/** Decodes a request body with our codec and checks every byte was consumed. */
export function decodeBody<N extends ImplementedApi>(api: N, version: number, body: Uint8Array): RequestOf<N> {
  const codec = apis[api].versions.get(version);
  if (!codec) throw new Error(`${api} v${version} is not registered`);
  const reader = new Reader(body);
  const request = codec.decodeRequest(reader) as RequestOf<N>;
  assert.is(reader.remaining, 0, `${api} v${version}: ${reader.remaining} bytes left undecoded`);
  return request;
}

/** Encodes a response body with our codec. */
export function encodeBody<N extends ImplementedApi>(api: N, version: number, response: ResponseOf<N>): Uint8Array {
  const codec = apis[api].versions.get(version) as { encodeResponse(w: Writer, r: ResponseOf<N>): void } | undefined;
  if (!codec) throw new Error(`${api} v${version} is not registered`);
  const writer = new Writer();
  codec.encodeResponse(writer, response);
  return writer.toBytes();
}

/** Every version registered for `api`. */
export function versionsOf(api: ImplementedApi): number[] {
  return [...apis[api].versions.keys()];
}

/** Hex of bytes, for fixtures. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Bytes from hex (whitespace ignored). */
export function unhex(text: string): Uint8Array {
  return new Uint8Array((text.replace(/\s+/g, "").match(/../g) ?? []).map((h) => parseInt(h, 16)));
}
