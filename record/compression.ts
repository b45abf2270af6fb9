/**
 * Compression of a RecordBatch's records section (everything after `recordCount`). Rivulet
 * reads and writes gzip (codec 1) through `node:zlib`'s synchronous API, which Node, Bun and
 * Deno all provide; snappy (2), lz4 (3) and zstd (4) are refused with `invalid_record`.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { RivuletError } from "../core/errors.ts";
import { Compression } from "./batch-layout.ts";

/** A codec by name, as producers choose it. */
export type CompressionName = keyof typeof Compression;

const codecNames = ["none", "gzip", "snappy", "lz4", "zstd"] as const;

/**
 * The name of codec `codec` (attribute bits 0-2).
 *
 * @param codec 0-7
 * @returns the codec's name, or `"unknown"` for 5-7
 */
export function compressionName(codec: number): CompressionName | "unknown" {
  return codecNames[codec] ?? "unknown";
}

function refuse(codec: number): never {
  throw new RivuletError("invalid_record", `unsupported compression ${compressionName(codec)} (codec ${codec}); Rivulet supports none and gzip`, { codec });
}

/**
 * Compresses `data` with `codec`.
 *
 * @param data the uncompressed records
 * @param codec a {@link Compression} value
 * @returns the compressed bytes (for `none`, `data` itself)
 * @throws {RivuletError} `invalid_record` for codecs other than none and gzip
 *
 * @example
 * ```ts
 * const packed = compress(new Uint8Array(100), Compression.gzip);
 * ```
 */
export function compress(data: Uint8Array, codec: number): Uint8Array {
  if (codec === Compression.none) return data;
  if (codec !== Compression.gzip) refuse(codec);
  const out = gzipSync(data);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/**
 * Decompresses `data` with `codec`, refusing output larger than `maxBytes`.
 *
 * @param data the compressed records
 * @param codec a {@link Compression} value
 * @param maxBytes the largest output allowed
 * @returns the decompressed bytes (for `none`, `data` itself)
 * @throws {RivuletError} `invalid_record` for codecs other than none and gzip; `corrupt_record`
 *   when the data does not inflate; `record_too_large` when it inflates past `maxBytes`
 */
export function decompress(data: Uint8Array, codec: number, maxBytes: number): Uint8Array {
  if (codec === Compression.none) return data;
  if (codec !== Compression.gzip) refuse(codec);
  try {
    const out = gunzipSync(data, { maxOutputLength: maxBytes });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new RivuletError("record_too_large", `gzip records inflate past ${maxBytes} bytes`, { maxBytes });
    }
    throw new RivuletError("corrupt_record", `gzip records do not inflate: ${(error as Error).message}`);
  }
}
