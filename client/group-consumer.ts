/**
 * A consumer group member over HTTP: join, poll (also the heartbeat), commit, leave, as
 * explicit calls or as an async iterator that joins, polls, commits what the loop handled before
 * the next poll and when it ends (at-least-once), and leaves. A member the coordinator has
 * forgotten (session timed out) joins again.
 */
import { RivuletHttpError } from "./errors.ts";
import { decodeRecord, type WireRecord } from "./records.ts";
import type { Transport } from "./transport.ts";
import type { ConsumedRecord, Membership, OffsetCommit, TopicPartition } from "./types.ts";

/** Options of a group member. */
export interface GroupOptions {
  /** Topics to consume. */
  topics: string[];
  /** Where to start in partitions without a committed offset (default earliest). */
  autoOffsetReset?: "earliest" | "latest";
  /** The coordinator drops a member silent for this long (default: the server's). */
  sessionTimeoutMs?: number;
  assignor?: "range" | "roundrobin";
  /** Longest wait of one poll in the iterator, in ms (default 5000). */
  pollWaitMs?: number;
  /** Ends the iterator (it then leaves the group). */
  signal?: AbortSignal;
}

interface WireMembership {
  member_id: string;
  generation: number;
  assignments: TopicPartition[];
}

export class GroupConsumer {
  readonly groupId: string;
  readonly #transport: Transport;
  readonly #options: GroupOptions;
  #membership: Membership | null = null;

  constructor(transport: Transport, groupId: string, options: GroupOptions) {
    this.#transport = transport;
    this.groupId = groupId;
    this.#options = options;
  }

  /** The current membership, once joined. */
  get membership(): Membership | null {
    return this.#membership;
  }

  #path(suffix = ""): string {
    return `/v1/groups/${encodeURIComponent(this.groupId)}/members${suffix}`;
  }

  #member(): string {
    if (!this.#membership) throw new RivuletHttpError(0, "not_joined", "join the group first", { retriable: false });
    return `/${encodeURIComponent(this.#membership.memberId)}`;
  }

  /** Joins the group; the coordinator assigns partitions. */
  async join(): Promise<Membership> {
    const o = this.#options;
    const body: Record<string, unknown> = { topics: o.topics };
    if (o.autoOffsetReset) body["auto.offset.reset"] = o.autoOffsetReset;
    if (o.sessionTimeoutMs !== undefined) body.session_timeout_ms = o.sessionTimeoutMs;
    if (o.assignor) body.assignor = o.assignor;
    const answer = await this.#transport.json<WireMembership>(this.#path(), { method: "POST", json: body });
    this.#membership = { memberId: answer.member_id, generation: answer.generation, assignments: answer.assignments };
    return this.#membership;
  }

  /**
   * Polls the member's partitions (joining first if needed, and again if the coordinator forgot
   * the member); also keeps the membership alive.
   */
  async poll(options: { waitMs?: number; maxRecords?: number; signal?: AbortSignal } = {}): Promise<ConsumedRecord[]> {
    for (let rejoined = false; ; rejoined = true) {
      if (!this.#membership) await this.join();
      try {
        const answer = await this.#transport.json<WireMembership & { records: WireRecord[] }>(this.#path(`${this.#member()}/records`), {
          query: { wait_ms: options.waitMs, max_records: options.maxRecords }, signal: options.signal,
        });
        this.#membership = { memberId: answer.member_id, generation: answer.generation, assignments: answer.assignments };
        return answer.records.map((r) => decodeRecord(r, "", -1));
      } catch (error) {
        const forgotten = error instanceof RivuletHttpError && (error.code === "unknown_member" || error.code === "unknown_group");
        if (!forgotten || rejoined) throw error;
        this.#membership = null;
      }
    }
  }

  /** Commits `offsets` (next offsets to read), or without them every position polls reached. */
  async commit(offsets?: OffsetCommit[]): Promise<OffsetCommit[]> {
    const answer = await this.#transport.json<{ offsets: OffsetCommit[] }>(this.#path(`${this.#member()}/offsets`), { method: "POST", json: offsets ? { offsets } : undefined });
    return answer.offsets;
  }

  /** Leaves the group (its partitions go to the other members). */
  async leave(): Promise<void> {
    if (!this.#membership) return;
    const path = this.#path(this.#member());
    this.#membership = null;
    await this.#transport.send(path, { method: "DELETE" });
  }

  /**
   * Joins, then yields records as polls bring them. A record counts as handled once the loop
   * asks for the next one: before each poll, and when the loop ends (break, return, abort),
   * the handled records' offsets are committed (at-least-once); then the member leaves.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<ConsumedRecord> {
    const signal = this.#options.signal;
    const handled = new Map<string, OffsetCommit>();
    try {
      while (!signal?.aborted) {
        let records: ConsumedRecord[];
        try {
          records = await this.poll({ waitMs: this.#options.pollWaitMs ?? 5_000, signal });
        } catch (error) {
          if (signal?.aborted) return;
          throw error;
        }
        for (const record of records) {
          yield record;
          handled.set(`${record.partition}/${record.topic}`, { topic: record.topic, partition: record.partition, offset: record.offset + 1 });
        }
        if (handled.size > 0) await this.commit([...handled.values()]);
        handled.clear();
      }
    } finally {
      if (handled.size > 0 && this.#membership) await this.commit([...handled.values()]).catch(() => {});
      await this.leave().catch(() => {});
    }
  }
}
