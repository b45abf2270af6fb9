/**
 * Decoding of the gateway's proto3 JSON into {@link ./etcd-types.ts}, and encoding of requests.
 * Every absent field takes its proto3 default here, once, so no caller ever meets an omitted
 * `kvs`, `succeeded`, `type` or `TTL`. int64 fields arrive as strings: counters become numbers
 * (checked to be safe integers), lease ids stay strings.
 */
import { RivuletError } from "../../core/errors.ts";
import { base64Text, fromBase64, prefixEnd, toBase64, toBytes } from "./etcd-bytes.ts";
import type {
  Compare,
  DeleteRangeRequest,
  DeleteRangeResponse,
  KeySelector,
  KeyValue,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  ResponseHeader,
  TxnOp,
  TxnOpResponse,
  TxnResponse,
  WatchEvent,
} from "./etcd-types.ts";

/** A JSON object as parsed (fields unknown until checked). */
export type Json = Record<string, unknown>;

/** An int64 field (a decimal string, a number, or absent = 0) as a number. */
export function int(value: unknown): number {
  if (value === undefined || value === null) return 0;
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) {
    throw new RivuletError("coordination_unavailable", `etcd sent ${JSON.stringify(value)} where an integer was expected`);
  }
  return n;
}

/** An int64 id field (absent = "0") as its decimal string. */
export function id(value: unknown): string {
  if (value === undefined || value === null) return "0";
  if (typeof value === "number" || (typeof value === "string" && /^-?\d+$/.test(value))) return String(value);
  throw new RivuletError("coordination_unavailable", `etcd sent ${JSON.stringify(value)} where an id was expected`);
}

function object(value: unknown): Json {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Json) : {};
}

function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function decodeHeader(value: unknown): ResponseHeader {
  const h = object(value);
  return { revision: int(h.revision), clusterId: id(h.cluster_id), memberId: id(h.member_id), raftTerm: int(h.raft_term) };
}

export function decodeKeyValue(value: unknown): KeyValue {
  const kv = object(value);
  return {
    key: base64Text(kv.key),
    value: fromBase64(kv.value),
    createRevision: int(kv.create_revision),
    modRevision: int(kv.mod_revision),
    version: int(kv.version),
    lease: id(kv.lease),
  };
}

export function decodeRange(value: unknown): RangeResponse {
  const r = object(value);
  return { header: decodeHeader(r.header), kvs: array(r.kvs).map(decodeKeyValue), more: r.more === true, count: int(r.count) };
}

export function decodePut(value: unknown): PutResponse {
  const r = object(value);
  return { header: decodeHeader(r.header), prevKv: r.prev_kv ? decodeKeyValue(r.prev_kv) : null };
}

export function decodeDeleteRange(value: unknown): DeleteRangeResponse {
  const r = object(value);
  return { header: decodeHeader(r.header), deleted: int(r.deleted), prevKvs: array(r.prev_kvs).map(decodeKeyValue) };
}

function decodeOpResponse(value: unknown): TxnOpResponse {
  const r = object(value);
  if (r.response_range) return { range: decodeRange(r.response_range) };
  if (r.response_put) return { put: decodePut(r.response_put) };
  if (r.response_delete_range) return { deleteRange: decodeDeleteRange(r.response_delete_range) };
  throw new RivuletError("coordination_unavailable", `etcd sent a txn response of an unknown kind: ${Object.keys(r).join(", ")}`);
}

export function decodeTxn(value: unknown): TxnResponse {
  const r = object(value);
  return { header: decodeHeader(r.header), succeeded: r.succeeded === true, responses: array(r.responses).map(decodeOpResponse) };
}

export function decodeEvent(value: unknown): WatchEvent {
  const e = object(value);
  return { type: e.type === "DELETE" ? "delete" : "put", kv: decodeKeyValue(e.kv), prevKv: e.prev_kv ? decodeKeyValue(e.prev_kv) : null };
}

/** The `key` and `range_end` fields of a selector. */
export function encodeSelector(selector: KeySelector): Json {
  const out: Json = { key: toBase64(selector.key) };
  if (selector.prefix) out.range_end = toBase64(prefixEnd(selector.key));
  else if (selector.rangeEnd !== undefined) out.range_end = toBase64(selector.rangeEnd);
  return out;
}

export function encodeRange(request: RangeRequest): Json {
  const out = encodeSelector(request);
  if (request.limit) out.limit = String(request.limit);
  if (request.revision) out.revision = String(request.revision);
  if (request.keysOnly) out.keys_only = true;
  if (request.countOnly) out.count_only = true;
  return out;
}

const compareResults = { equal: "EQUAL", not_equal: "NOT_EQUAL", greater: "GREATER", less: "LESS" } as const;

export function encodeCompare(compare: Compare): Json {
  const out: Json = { key: toBase64(compare.key), result: compareResults[compare.result] };
  switch (compare.target) {
    case "create_revision":
      return { ...out, target: "CREATE", create_revision: String(compare.value) };
    case "mod_revision":
      return { ...out, target: "MOD", mod_revision: String(compare.value) };
    case "version":
      return { ...out, target: "VERSION", version: String(compare.value) };
    case "value":
      return { ...out, target: "VALUE", value: toBase64(toBytes(compare.value)) };
    case "lease":
      return { ...out, target: "LEASE", lease: compare.value };
  }
}

export function encodePut(request: PutRequest): Json {
  const out: Json = { key: toBase64(request.key), value: toBase64(request.value) };
  if (request.lease && request.lease !== "0") out.lease = request.lease;
  if (request.prevKv) out.prev_kv = true;
  return out;
}

export function encodeDeleteRange(request: DeleteRangeRequest): Json {
  const out = encodeSelector(request);
  if (request.prevKv) out.prev_kv = true;
  return out;
}

export function encodeOp(op: TxnOp): Json {
  if ("range" in op) return { request_range: encodeRange(op.range) };
  if ("put" in op) return { request_put: encodePut(op.put) };
  return { request_delete_range: encodeDeleteRange(op.deleteRange) };
}
