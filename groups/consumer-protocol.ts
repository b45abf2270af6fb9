/**
 * Kafka's ConsumerProtocol: the bytes Kafka consumers put in JoinGroup metadata (their
 * subscription) and SyncGroup assignments. The coordinator treats them as opaque, but decodes
 * them to describe a group, and managed members carry them too so Kafka tools can read them.
 *
 * Subscription v0: version i16 | topics [string] | user_data bytes
 *   (v1+ append owned_partitions, generation, rack: read as a v0 prefix, the rest ignored)
 * Assignment v0:   version i16 | [topic string | partitions [i32]] | user_data bytes
 * string = i16 length + UTF-8; array = i32 count; bytes = i32 length (-1 = null) + bytes.
 */
import { RivuletError } from "../core/errors.ts";
import type { TopicPartition } from "../broker/group-api.ts";

/** A consumer's subscription (JoinGroup member metadata). */
export interface ConsumerSubscription {
  version: number;
  topics: string[];
  userData: Uint8Array | null;
}

/** A consumer's assignment (SyncGroup member assignment), flattened to topic-partitions. */
export interface ConsumerAssignment {
  version: number;
  partitions: TopicPartition[];
  userData: Uint8Array | null;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: true });

class Writer {
  parts: number[] = [];
  int16(v: number): this {
    this.parts.push((v >> 8) & 0xff, v & 0xff);
    return this;
  }
  int32(v: number): this {
    this.parts.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  string(s: string): this {
    const bytes = utf8.encode(s);
    this.int16(bytes.length);
    for (const b of bytes) this.parts.push(b);
    return this;
  }
  bytes(b: Uint8Array | null): this {
    if (b === null) return this.int32(-1);
    this.int32(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

class Reader {
  #view: DataView;
  #at = 0;
  constructor(readonly buf: Uint8Array, readonly what: string) {
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  #need(n: number): void {
    if (n < 0 || this.#at + n > this.buf.length) {
      throw new RivuletError("invalid_request", `truncated ConsumerProtocol ${this.what} at byte ${this.#at}`);
    }
  }
  int16(): number {
    this.#need(2);
    const v = this.#view.getInt16(this.#at);
    this.#at += 2;
    return v;
  }
  int32(): number {
    this.#need(4);
    const v = this.#view.getInt32(this.#at);
    this.#at += 4;
    return v;
  }
  string(): string {
    const length = this.int16();
    this.#need(length);
    const s = fromUtf8.decode(this.buf.subarray(this.#at, this.#at + length));
    this.#at += length;
    return s;
  }
  bytes(): Uint8Array | null {
    const length = this.int32();
    if (length === -1) return null;
    this.#need(length);
    const b = this.buf.slice(this.#at, this.#at + length);
    this.#at += length;
    return b;
  }
  remaining(): number {
    return this.buf.length - this.#at;
  }
  array<T>(item: () => T): T[] {
    const count = this.int32();
    if (count === -1) return [];
    // Each item is at least 2 bytes: refuse counts the buffer cannot hold before allocating.
    this.#need(count * 2);
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(item());
    return out;
  }
}

/**
 * Encodes a subscription as JoinGroup member metadata.
 *
 * @example
 * ```ts
 * const metadata = encodeSubscription({ version: 0, topics: ["payments"], userData: null });
 * ```
 */
export function encodeSubscription(subscription: ConsumerSubscription): Uint8Array {
  const w = new Writer().int16(subscription.version).int32(subscription.topics.length);
  for (const topic of subscription.topics) w.string(topic);
  return w.bytes(subscription.userData).done();
}

/**
 * Decodes JoinGroup member metadata written by a Kafka consumer.
 *
 * @throws {RivuletError} invalid_request when the bytes are truncated or not UTF-8
 */
export function decodeSubscription(bytes: Uint8Array): ConsumerSubscription {
  const r = new Reader(bytes, "subscription");
  const version = r.int16();
  const topics = r.array(() => r.string());
  return { version, topics, userData: r.bytes() };
}

/**
 * Encodes an assignment, grouping partitions by topic in order of first appearance.
 *
 * @example
 * ```ts
 * const bytes = encodeAssignment({ version: 0, partitions: [{ topic: "t", partition: 0 }], userData: null });
 * ```
 */
export function encodeAssignment(assignment: ConsumerAssignment): Uint8Array {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of assignment.partitions) {
    const list = byTopic.get(topic) ?? [];
    list.push(partition);
    byTopic.set(topic, list);
  }
  const w = new Writer().int16(assignment.version).int32(byTopic.size);
  for (const [topic, partitions] of byTopic) {
    w.string(topic).int32(partitions.length);
    for (const p of partitions) w.int32(p);
  }
  return w.bytes(assignment.userData).done();
}

/**
 * Decodes a SyncGroup assignment. Empty bytes (a member given nothing) decode to no partitions.
 *
 * @throws {RivuletError} invalid_request when the bytes are truncated or not UTF-8
 */
export function decodeAssignment(bytes: Uint8Array): ConsumerAssignment {
  if (bytes.length === 0) return { version: 0, partitions: [], userData: null };
  const r = new Reader(bytes, "assignment");
  const version = r.int16();
  const partitions: TopicPartition[] = [];
  const topics = r.array(() => ({ topic: r.string(), partitions: r.array(() => r.int32()) }));
  for (const { topic, partitions: ps } of topics) for (const partition of ps) partitions.push({ topic, partition });
  // user_data is absent in some clients' empty assignments; treat a missing field as null.
  return { version, partitions, userData: r.remaining() > 0 ? r.bytes() : null };
}
