/**
 * The decoded shapes of etcd's v3 API as this client hands them out. The gateway's JSON differs
 * from these in ways the decoder ({@link ./etcd-decode.ts}) settles once: keys and values are
 * base64, int64 fields are strings, and proto3 leaves out every field at its default (no `kvs`
 * on an empty range, no `succeeded` on a failed txn, no `type` on a PUT event, no `TTL` from a
 * keep-alive of a lease that is gone). Here every field is present.
 *
 * Revisions and versions are numbers (etcd counts them from 1 by one per write; they stay far
 * below 2^53). Lease ids are decimal strings: etcd draws them at random over the whole int64
 * range, so they do not fit a number. "0" means "no lease".
 */

/** Metadata etcd puts on every answer. */
export interface ResponseHeader {
  /** The store's revision when the answer was made. */
  revision: number;
  clusterId: string;
  memberId: string;
  raftTerm: number;
}

/** One key as stored. */
export interface KeyValue {
  /** The key as UTF-8 text. */
  key: string;
  value: Uint8Array;
  /** Revision of the write that created the key (0 once deleted); unchanged by later puts. */
  createRevision: number;
  /** Revision of the last write to the key. */
  modRevision: number;
  /** Writes since creation (1 after the first put). */
  version: number;
  /** The lease the key is bound to, "0" for none. */
  lease: string;
}

/** Which keys a range or delete covers: one key, a prefix, or `[key, rangeEnd)`. */
export interface KeySelector {
  key: string;
  /** Cover every key starting with `key`. */
  prefix?: boolean;
  /** Cover `[key, rangeEnd)` (exclusive); ignored when `prefix` is set. */
  rangeEnd?: string;
}

/** A read of one key or a range. */
export interface RangeRequest extends KeySelector {
  /** Most keys returned (0: no limit). */
  limit?: number;
  /** Read as of this revision (0: the latest). Fails with `revision_compacted` below the compaction point. */
  revision?: number;
  /** Return keys without values. */
  keysOnly?: boolean;
  /** Return only the count. */
  countOnly?: boolean;
}

export interface RangeResponse {
  header: ResponseHeader;
  /** The keys found, in key order; empty when none. */
  kvs: KeyValue[];
  /** More keys matched than `limit` let through. */
  more: boolean;
  /** How many keys matched. */
  count: number;
}

export interface PutRequest {
  key: string;
  value: string | Uint8Array;
  /** Bind the key to this lease: it is deleted when the lease ends. */
  lease?: string;
  /** Return the key as it was before. */
  prevKv?: boolean;
}

export interface PutResponse {
  header: ResponseHeader;
  prevKv: KeyValue | null;
}

export interface DeleteRangeRequest extends KeySelector {
  prevKv?: boolean;
}

export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prevKvs: KeyValue[];
}

/** How a compare weighs the stored field against the given value. */
export type CompareResult = "equal" | "not_equal" | "greater" | "less";

/**
 * One condition of a txn. A key that does not exist has create_revision, mod_revision and
 * version 0, so `{target: "create_revision", result: "equal", value: 0}` means "absent".
 */
export type Compare =
  | { key: string; target: "create_revision" | "mod_revision" | "version"; result: CompareResult; value: number }
  | { key: string; target: "value"; result: CompareResult; value: string | Uint8Array }
  | { key: string; target: "lease"; result: CompareResult; value: string };

/** One operation inside a txn. */
export type TxnOp = { range: RangeRequest } | { put: PutRequest } | { deleteRange: DeleteRangeRequest };

/** The answer to one {@link TxnOp}, in the same position. */
export type TxnOpResponse =
  | { range: RangeResponse }
  | { put: PutResponse }
  | { deleteRange: DeleteRangeResponse };

/** An atomic if/then/else over keys. */
export interface TxnRequest {
  compare: Compare[];
  success: TxnOp[];
  failure?: TxnOp[];
}

export interface TxnResponse {
  header: ResponseHeader;
  /** All compares held and `success` ran; otherwise `failure` ran. */
  succeeded: boolean;
  responses: TxnOpResponse[];
}

export interface LeaseGrantResponse {
  header: ResponseHeader;
  /** The lease id (decimal int64). */
  id: string;
  /** The TTL granted, in seconds (etcd may raise a small TTL to its minimum). */
  ttlSeconds: number;
}

export interface LeaseKeepAliveResponse {
  header: ResponseHeader;
  id: string;
  /** Seconds the lease now has to live; 0 when the lease no longer exists (expired or revoked). */
  ttlSeconds: number;
}

export interface LeaseTimeToLiveResponse {
  header: ResponseHeader;
  id: string;
  /** Seconds left; -1 when the lease no longer exists. */
  ttlSeconds: number;
  grantedTtlSeconds: number;
  /** Keys bound to the lease, when asked for. */
  keys: string[];
}

/** One change seen by a watch. */
export interface WatchEvent {
  type: "put" | "delete";
  /** The key after the change; for a delete, only `key` and `modRevision` are meaningful. */
  kv: KeyValue;
  /** The key before the change, when the watch asked for it and etcd still had it. */
  prevKv: KeyValue | null;
}

/** The events of one revision range, as one watch message brought them. */
export interface WatchBatch {
  /** The revision these events bring the watcher up to. */
  revision: number;
  events: WatchEvent[];
}
