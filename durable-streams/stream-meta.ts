/**
 * What Rivulet keeps about a stream besides its records, as one CBOR value per stream in the
 * compacted internal topic `__ds_streams` (key: the stream path). Producer ids and snapshot
 * entries are stored as arrays of tuples, never as objects keyed by client strings.
 *
 * A stream's data is the records of its own topic plus, for a fork, ranges of other streams'
 * topics: stream offset `o` in an {@link InheritedRange} is partition offset `o - delta` of its
 * topic; own records start at stream offset `base`.
 */
import { decode, encode } from "cbor-x";
import { RivuletError } from "../core/errors.ts";

/** Stream offsets `[from, to)` read from partition offsets `[from - delta, to - delta)` of `topic`. */
export interface InheritedRange {
  topic: string;
  from: number;
  to: number;
  delta: number;
}

/** How a protocol Producer-Id maps onto the log's idempotent producer: numeric id and bases. */
export interface ProducerMapping {
  /** The broker-allocated producer id stamped on the batches. */
  id: number;
  /** Protocol epoch = epochBase + batch epoch (the batch field is 16 bits). */
  epochBase: number;
  /** Protocol seq = seqBase + batch baseSequence (the batch field is 31 bits). */
  seqBase: number;
}

/** Runtime state as of own-partition offset `upTo`; records past it are replayed on load. */
export interface StreamSnapshot {
  upTo: number;
  closed: boolean;
  /** The producer tuple whose append closed the stream: [Producer-Id, epoch, seq]. */
  closedBy: [string, number, number] | null;
  /** The last Stream-Seq accepted. */
  streamSeq: string | null;
  /** Per Producer-Id: [epoch, last accepted seq]. */
  producers: Array<[string, number, number]>;
  /** Last read or write (sliding TTL). */
  lastAccessMs: number;
}

/** The fork a stream was created as. */
export interface ForkOrigin {
  source: string;
  /** The source's topic: which incarnation of the source path this fork holds on to. */
  sourceTopic: string;
  offset: number;
  subOffset: number;
}

/** One stream's metadata. */
export interface StreamMeta {
  path: string;
  topic: string;
  contentType: string;
  createdMs: number;
  ttlSeconds: number | null;
  expiresAtMs: number | null;
  base: number;
  inherited: InheritedRange[];
  fork: ForkOrigin | null;
  /** Deleted while forks still read its data: answers 410 until the last fork is gone. */
  softDeleted: boolean;
  producers: Array<[string, ProducerMapping]>;
  snapshot: StreamSnapshot;
}

const VERSION = 1;

/** Encodes a stream's metadata for `__ds_streams`. */
export function encodeStreamMeta(meta: StreamMeta): Uint8Array {
  return encode([VERSION, meta]);
}

/**
 * Decodes what {@link encodeStreamMeta} wrote.
 *
 * @throws {RivuletError} `corrupt_record` for a value of another shape or version
 */
export function decodeStreamMeta(bytes: Uint8Array): StreamMeta {
  const value: unknown = decode(bytes);
  if (!Array.isArray(value) || value[0] !== VERSION || !isMeta(value[1])) {
    throw new RivuletError("corrupt_record", "a __ds_streams record is not stream metadata of version 1");
  }
  return value[1];
}

function isMeta(value: unknown): value is StreamMeta {
  if (value === null || typeof value !== "object") return false;
  const m = value as Partial<StreamMeta>;
  return typeof m.path === "string" && typeof m.topic === "string" && typeof m.contentType === "string" &&
    typeof m.base === "number" && Array.isArray(m.inherited) && Array.isArray(m.producers) &&
    typeof m.snapshot === "object" && m.snapshot !== null && Array.isArray(m.snapshot.producers);
}
