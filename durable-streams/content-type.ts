/**
 * A stream's content type: compared case-insensitively by its essence (`type/subtype`, no
 * parameters), JSON mode for `application/json`, and how SSE carries its data.
 */

const ESSENCE = /^([!#$%&'*+.^_`|~0-9a-z-]+)\/([!#$%&'*+.^_`|~0-9a-z-]+)$/;

/** The default of a stream created without a Content-Type. */
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/**
 * A content type in canonical form: the essence lower-cased, parameters kept as given.
 *
 * @param raw a Content-Type header value
 * @returns the canonical form, or null when `raw` is not a media type
 * @example
 * ```ts
 * canonicalContentType("Application/JSON; charset=utf-8"); // "application/json; charset=utf-8"
 * ```
 */
export function canonicalContentType(raw: string): string | null {
  const semicolon = raw.indexOf(";");
  const essence = (semicolon < 0 ? raw : raw.slice(0, semicolon)).trim().toLowerCase();
  if (!ESSENCE.test(essence)) return null;
  const params = semicolon < 0 ? "" : raw.slice(semicolon + 1).trim();
  return params === "" ? essence : `${essence}; ${params}`;
}

/** The `type/subtype` of a canonical content type. */
export function essenceOf(contentType: string): string {
  const semicolon = contentType.indexOf(";");
  return semicolon < 0 ? contentType : contentType.slice(0, semicolon);
}

/** True when two content types name the same media type (parameters are ignored). */
export function sameContentType(a: string, b: string): boolean {
  return essenceOf(a) === essenceOf(b);
}

/** True for JSON-mode streams (`application/json`). */
export function isJsonMode(contentType: string): boolean {
  return essenceOf(contentType) === "application/json";
}

/** How SSE carries a stream's bytes: as text (`text/*`, JSON) or base64 (everything else). */
export function sseEncodingOf(contentType: string): "text" | "base64" {
  const essence = essenceOf(contentType);
  return essence.startsWith("text/") || essence === "application/json" ? "text" : "base64";
}
