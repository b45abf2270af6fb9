/**
 * What the listener does with one request frame once handled ({@link FrameOutcome}), and how a
 * response becomes bytes: an int32 size, the response header and the body, as chunks for one
 * corked socket write.
 */
import { encodeResponseBody, type ImplementedApi, type ResponseOf } from "./protocol/apis.ts";
import { encodeResponseHeader, type RequestHeader } from "./protocol/header.ts";
import { Writer } from "./protocol/writer.ts";

/** What to do with a request once handled; a reply with `close` closes the connection once written. */
export type FrameOutcome =
  | { kind: "reply"; chunks: Uint8Array[]; close?: boolean }
  | { kind: "none" }
  | { kind: "close"; reason: string };

/**
 * Frames a response to the request with `header`.
 *
 * @param header the request's header (correlation id, api key)
 * @param api the API's name
 * @param version the version to encode the body in
 * @param response the body
 * @returns a reply outcome
 */
export function frameResponse<N extends ImplementedApi>(header: RequestHeader, api: N, version: number, response: ResponseOf<N>): FrameOutcome & { kind: "reply" } {
  const writer = new Writer();
  writer.int32(0);
  encodeResponseHeader(writer, header.correlationId, header.apiKey, version);
  encodeResponseBody(api, version, writer, response);
  const chunks = writer.chunks();
  const first = chunks[0]!;
  new DataView(first.buffer, first.byteOffset, 4).setInt32(0, writer.length - 4);
  return { kind: "reply", chunks };
}

/** Frames bytes with only an int32 size before them (raw SASL tokens after a v0 handshake). */
export function frameRaw(bytes: Uint8Array): FrameOutcome & { kind: "reply" } {
  const frame = new Uint8Array(4 + bytes.length);
  new DataView(frame.buffer).setInt32(0, bytes.length);
  frame.set(bytes, 4);
  return { kind: "reply", chunks: [frame] };
}
