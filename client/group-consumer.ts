/**
 * A consumer group member over HTTP: join, poll (also the heartbeat), commit, leave, as
 * explicit calls or as an async iterator that joins, polls, commits what it handed out before
 * the next poll (at-least-once) and leaves when the loop ends. A member the coordinator has
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
    if (!this.#membership) throw new RivuletHttpError(0, "unknown_member", "join the group first", { retriable: false });
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
    if (!this.#membership) await this.join();
    let answer: WireMembership & { records: WireRecord[] };
    try {
      answer = await this.#transport.json(this.#path(`${this.#member()}/records`), { query: { wait_ms: options.waitMs, max_records: options.maxRecords }, signal: options.signal });
    } catch (error) {
      if (!(error instanceof RivuletHttpError) || (error.code !== "unknown_member" && error.code !== "unknown_group")) throw error;
      this.#membership = null;
      return this.poll(options);
    }
    this.#membership = { memberId: answer.member_id, generation: answer.generation, assignments: answer.assignments };
    return answer.records.map((r) => decodeRecord(r, "", -1));
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

  /** Joins, then yields records as polls bring them, committing before each next poll; leaves at the end. */
  async *[Symbol.asyncIterator](): AsyncGenerator<ConsumedRecord> {
    const signal = this.#options.signal;
    try {
      while (!signal?.aborted) {
        let records: ConsumedRecord[];
        try {
          records = await this.poll({ waitMs: this.#options.pollWaitMs ?? 5_000, signal });
        } catch (error) {
          if (signal?.aborted) return;
          throw error;
        }
        for (const record of records) yield record;
        if (records.length > 0) await this.commit();
      }
    } finally {
      await this.leave().catch(() => {});
    }
  }
}
