/**
 * The two body encodings (JSON and CBOR): which one a request body uses (`Content-Type`) and
 * which one a response should use (`Accept`).
 */
import { RivuletError } from "../core/errors.ts";

/** A body encoding. */
export type Encoding = "json" | "cbor";

/** Media types of the encodings. */
export const mediaTypeOf: Readonly<Record<Encoding, string>> = {
  json: "application/json",
  cbor: "application/cbor",
};

/**
 * The encoding of a request body from its `Content-Type`. An absent header means JSON.
 *
 * @param contentType the header's value
 * @returns the encoding
 * @throws {RivuletError} `unsupported_media_type` for anything but JSON (`application/json`,
 *   `application/*+json`) and CBOR (`application/cbor`)
 */
export function requestEncoding(contentType: string | undefined | null): Encoding {
  if (contentType === undefined || contentType === null || contentType.trim() === "") return "json";
  const type = contentType.split(";", 1)[0].trim().toLowerCase();
  if (type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"))) return "json";
  if (type === "application/cbor") return "cbor";
  throw new RivuletError("unsupported_media_type", `content type ${JSON.stringify(type.slice(0, 100))} is not supported: send application/json or application/cbor`, {
    accepted: [mediaTypeOf.json, mediaTypeOf.cbor],
  });
}

/**
 * The encoding a client prefers, from its `Accept` header: CBOR when `application/cbor` has the
 * highest quality (an explicit type beats a wildcard of the same quality), else JSON.
 *
 * @param accept the header's value
 * @returns the encoding to answer in
 */
export function responseEncoding(accept: string | undefined | null): Encoding {
  if (!accept || !accept.includes("cbor")) return "json";
  let cbor = -1;
  let json = -1;
  let wildcard = -1;
  for (const part of accept.split(",")) {
    const [rawType, ...params] = part.split(";");
    const type = rawType.trim().toLowerCase();
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split("=");
      if (name?.trim().toLowerCase() === "q") q = Number(value);
    }
    if (!(q >= 0 && q <= 1)) q = 0;
    if (type === "application/cbor") cbor = Math.max(cbor, q);
    else if (type === "application/json") json = Math.max(json, q);
    else if (type === "*/*" || type === "application/*") wildcard = Math.max(wildcard, q);
  }
  const jsonQuality = json >= 0 ? json : wildcard;
  return cbor > 0 && (cbor > jsonQuality || (cbor === jsonQuality && json < 0)) ? "cbor" : "json";
}
