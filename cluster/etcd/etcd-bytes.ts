/**
 * Byte encodings the etcd JSON gateway needs: keys and values travel as base64 of their bytes,
 * and a prefix is a range `[prefix, prefixEnd(prefix))`. Pure web-standard code (TextEncoder,
 * btoa/atob), the same on Node, Bun and Deno.
 */
import { RivuletError } from "../../core/errors.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Text (UTF-8) or raw bytes: what a key or value may be given as. */
export type Bytes = string | Uint8Array;

/** The UTF-8 bytes of `value`, or `value` itself when it already is bytes. */
export function toBytes(value: Bytes): Uint8Array {
  return typeof value === "string" ? encoder.encode(value) : value;
}

/**
 * Base64 of bytes or of a string's UTF-8 bytes, as the gateway expects for `bytes` fields.
 *
 * @example
 * ```ts
 * toBase64("/a"); // "L2E="
 * ```
 */
export function toBase64(value: Bytes): string {
  const bytes = toBytes(value);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/**
 * The bytes a base64 `bytes` field holds; an absent field (proto3 default) is empty.
 *
 * @throws {RivuletError} `coordination_unavailable` when the field is not base64 (not etcd talking)
 */
export function fromBase64(text: unknown): Uint8Array {
  if (text === undefined || text === null || text === "") return new Uint8Array(0);
  let binary: string;
  try {
    if (typeof text !== "string") throw new TypeError("not a string");
    binary = atob(text);
  } catch {
    throw new RivuletError("coordination_unavailable", `etcd sent a bytes field that is not base64 (${typeof text})`);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A base64 `bytes` field read as UTF-8 text. */
export function base64Text(text: unknown): string {
  return decoder.decode(fromBase64(text));
}

/** UTF-8 text of bytes. */
export function bytesText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/**
 * The smallest key greater than every key that starts with `prefix`: the `range_end` that makes
 * a range cover exactly the prefix (etcd's own rule: add one to the last byte below 0xff, drop
 * the 0xff bytes after it; an all-0xff or empty prefix means "to the end", the single byte 0).
 *
 * @example
 * ```ts
 * prefixEnd("/default/"); // bytes of "/default0"
 * ```
 */
export function prefixEnd(prefix: Bytes): Uint8Array {
  const bytes = toBytes(prefix);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] < 0xff) {
      const end = bytes.slice(0, i + 1);
      end[i]++;
      return end;
    }
  }
  return new Uint8Array([0]);
}
