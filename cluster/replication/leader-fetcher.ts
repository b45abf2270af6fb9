/**
 * A follower broker's fetcher for every partition it follows on one leader broker (Kafka's
 * `ReplicaFetcherThread`): one connection, one Fetch at a time carrying all those partitions.
 *
 * Each partition goes through two states:
 * 1. **truncating**: ask the leader (OffsetsForLeaderEpoch, `current_leader_epoch` = the epoch
 *    followed) where the follower's newest epoch ends and cut the log there
 *    ({@link truncationStep}); again while the answer names an epoch the follower lacks.
 * 2. **fetching**: Fetch from the log end (what the follower holds durably: its append fsyncs
 *    per the topic's flush policy before the next fetch offset is sent), append what comes
 *    byte for byte, take the leader's high watermark.
 *
 * A partition whose leader answers FENCED_LEADER_EPOCH or NOT_LEADER_OR_FOLLOWER waits (the
 * controller's next word, a new `becomeFollower`, restarts it); UNKNOWN_LEADER_EPOCH (the leader
 * has not heard of the epoch yet) and other errors retry after a backoff; OFFSET_OUT_OF_RANGE
 * below the leader's log start restarts the log there (`truncateFullyAndStartAt`), past its end
 * truncates again. A lost connection is reopened after a backoff. The leader holds an idle fetch
 * for `maxWaitMs`, so an idle follower costs one request per that time.
 *
 * Single-threaded (one loop per leader); `add` and `remove` may be called any time: a partition
 * removed or re-added meanwhile drops the answers to requests sent for its old state.
 */
import { RivuletError } from "../../core/errors.ts";
import type { Limits } from "../../core/limits.ts";
import { partitionKey } from "../../actors/partition-protocol.ts";
import { latestEpoch, safeBoundary, truncationStep, type FollowerLogView } from "./follower-truncation.ts";
import type { EpochAnswer, LeaderConnection, LeaderConnector, ReplicaFetchResult, ReplicationCredentials } from "./leader-connection.ts";
import type { ReplicaHost } from "./replica-host.ts";
import type { ReplicationMetrics } from "./replication-metrics.ts";

/** One followed partition's state in the fetcher. A new object for every `add`. */
interface Followed {
  topic: string;
  partition: number;
  leaderEpoch: number;
  state: "truncating" | "fetching" | "waiting";
  /** The epoch to ask the leader about next (truncating). */
  queryEpoch: number | null;
  fetchOffset: number;
  logStartOffset: number;
  highWatermark: number;
  /** Not before this time (ms): after an error. */
  retryAt: number;
  /** Work on this partition in progress (removal waits for it). */
  busy: Promise<void>;
}

export interface LeaderFetcherOptions {
  brokerId: number;
  leaderId: number;
  host: ReplicaHost;
  connect: LeaderConnector;
  endpoint: () => { host: string; port: number } | undefined;
  credentials?: ReplicationCredentials;
  limits: Limits;
  metrics: ReplicationMetrics;
}

export class LeaderFetcher {
  #options: LeaderFetcherOptions;
  #partitions = new Map<string, Followed>();
  #connection: LeaderConnection | null = null;
  #closed = false;
  #wake: (() => void) | null = null;
  #loop: Promise<void>;

  constructor(options: LeaderFetcherOptions) {
    this.#options = options;
    this.#loop = this.#run();
  }

  get size(): number {
    return this.#partitions.size;
  }

  /** Starts following `topic/partition` at `leaderEpoch` (truncation first). */
  add(topic: string, partition: number, leaderEpoch: number): void {
    const key = partitionKey(topic, partition);
    this.#partitions.set(key, {
      topic, partition, leaderEpoch, state: "truncating", queryEpoch: null,
      fetchOffset: -1, logStartOffset: -1, highWatermark: -1, retryAt: 0, busy: Promise.resolve(),
    });
    this.#wake?.();
  }

  /** Stops following `topic/partition`; resolves once no work on it is in progress. */
  async remove(topic: string, partition: number): Promise<void> {
    const key = partitionKey(topic, partition);
    const followed = this.#partitions.get(key);
    if (!followed) return;
    this.#partitions.delete(key);
    await followed.busy;
  }

  /** Stops the loop and closes the connection. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#connection?.close();
    this.#connection = null;
    this.#wake?.();
    await this.#loop;
    await Promise.all([...this.#partitions.values()].map((f) => f.busy));
    this.#partitions.clear();
  }

  /** Lag of each followed partition (records behind the leader's high watermark), for metrics. */
  lags(): { topic: string; partition: number; fetchOffset: number; highWatermark: number }[] {
    return [...this.#partitions.values()].map((f) => ({ topic: f.topic, partition: f.partition, fetchOffset: f.fetchOffset, highWatermark: f.highWatermark }));
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      const now = Date.now();
      const ready = [...this.#partitions.values()].filter((f) => f.state !== "waiting" && f.retryAt <= now);
      if (ready.length === 0) {
        const next = Math.min(...[...this.#partitions.values()].filter((f) => f.state !== "waiting").map((f) => f.retryAt));
        await this.#sleep(Number.isFinite(next) ? Math.max(1, next - now) : 60_000);
        continue;
      }
      try {
        const connection = await this.#connect();
        const truncating = ready.filter((f) => f.state === "truncating");
        if (truncating.length > 0) await this.#truncate(connection, truncating);
        const fetching = ready.filter((f) => f.state === "fetching" && this.#current(f));
        if (fetching.length > 0) await this.#fetch(connection, fetching);
      } catch (error) {
        // the connection failed (or the leader is not there yet): back off, then reconnect
        this.#connection?.close();
        this.#connection = null;
        if (this.#closed) break;
        this.#options.metrics.fetchErrors++;
        await this.#sleep(this.#options.limits.replicaFetchBackoffMs);
      }
    }
  }

  async #connect(): Promise<LeaderConnection> {
    if (this.#connection) return this.#connection;
    const endpoint = this.#options.endpoint();
    if (!endpoint) throw new RivuletError("partition_unavailable", `the address of broker ${this.#options.leaderId} is not known`, { broker: this.#options.leaderId });
    this.#connection = await this.#options.connect(endpoint, {
      credentials: this.#options.credentials,
      requestTimeoutMs: this.#options.limits.replicaRequestTimeoutMs + this.#options.limits.replicaFetchWaitMs,
      clientId: `rivulet-replica-${this.#options.brokerId}`,
    });
    return this.#connection;
  }

  /** One round of OffsetsForLeaderEpoch for the partitions being truncated, and the cuts it decides. */
  async #truncate(connection: LeaderConnection, partitions: Followed[]): Promise<void> {
    const { host } = this.#options;
    const views = new Map<Followed, FollowerLogView>();
    for (const f of partitions) {
      let view: FollowerLogView;
      try {
        view = await host.epochState(f.topic, f.partition);
      } catch {
        this.#failed(f, null);
        continue;
      }
      const epoch = f.queryEpoch ?? latestEpoch(view);
      if (epoch < 0) {
        // nothing stamped with an epoch: an empty log, or one from before epochs (cut at the high watermark)
        await this.#work(f, async () => {
          if (view.logEndOffset > view.highWatermark) await this.#cut(f, view, view.highWatermark);
          this.#startFetching(f, await host.epochState(f.topic, f.partition));
        });
        continue;
      }
      f.queryEpoch = epoch;
      views.set(f, view);
    }
    if (views.size === 0) return;
    const asked = [...views.keys()];
    const answers = await connection.endOffsets(this.#options.brokerId, asked.map((f) => ({ topic: f.topic, partition: f.partition, currentLeaderEpoch: f.leaderEpoch, leaderEpoch: f.queryEpoch! })));
    const byKey = new Map(answers.map((a) => [partitionKey(a.topic, a.partition), a]));
    for (const f of asked) {
      const answer = byKey.get(partitionKey(f.topic, f.partition));
      await this.#work(f, () => this.#applyAnswer(f, views.get(f)!, answer));
    }
  }

  async #applyAnswer(f: Followed, view: FollowerLogView, answer: EpochAnswer | undefined): Promise<void> {
    if (!answer || answer.error) {
      this.#failed(f, answer?.error ?? null);
      return;
    }
    const step = truncationStep(view, answer);
    if (step.offset < view.logEndOffset) await this.#cut(f, view, step.offset);
    if (!step.done) {
      f.queryEpoch = step.nextEpoch;
      return;
    }
    this.#startFetching(f, await this.#options.host.epochState(f.topic, f.partition));
  }

  /** Truncates to `offset`, or, when it falls inside a batch, to the surely-safe boundary below it. */
  async #cut(f: Followed, view: FollowerLogView, offset: number): Promise<void> {
    const { host } = this.#options;
    try {
      await host.truncateTo(f.topic, f.partition, offset);
    } catch (error) {
      if (!(error instanceof RivuletError && error.code === "invalid_offset")) throw error;
      await host.truncateTo(f.topic, f.partition, safeBoundary(view, offset));
    }
    this.#options.metrics.truncations++;
  }

  #startFetching(f: Followed, view: { logStartOffset: number; logEndOffset: number; highWatermark: number }): void {
    f.state = "fetching";
    f.queryEpoch = null;
    f.fetchOffset = view.logEndOffset;
    f.logStartOffset = view.logStartOffset;
    f.highWatermark = view.highWatermark;
  }

  async #fetch(connection: LeaderConnection, partitions: Followed[]): Promise<void> {
    const { limits, brokerId } = this.#options;
    const results = await connection.fetch({
      replicaId: brokerId,
      maxWaitMs: limits.replicaFetchWaitMs,
      maxBytes: limits.replicaFetchResponseBytesMax,
      partitions: partitions.map((f) => ({
        topic: f.topic, partition: f.partition, currentLeaderEpoch: f.leaderEpoch,
        fetchOffset: f.fetchOffset, logStartOffset: f.logStartOffset, maxBytes: limits.replicaFetchPartitionBytesMax,
      })),
    });
    const byKey = new Map(results.map((r) => [partitionKey(r.topic, r.partition), r]));
    // partitions live on their own workers: their appends (and fsyncs) run side by side
    await Promise.all(partitions.map((f) => this.#work(f, () => this.#applyFetch(f, byKey.get(partitionKey(f.topic, f.partition))))));
  }

  async #applyFetch(f: Followed, result: ReplicaFetchResult | undefined): Promise<void> {
    const { host } = this.#options;
    if (!result) return;
    if (result.error === "offset_out_of_range") {
      if (result.logStartOffset >= 0 && f.fetchOffset < result.logStartOffset) {
        // the leader's log starts past ours: start again, empty, where it starts (Kafka's reset)
        this.#startFetching(f, await host.truncateFullyAndStartAt(f.topic, f.partition, result.logStartOffset));
        this.#options.metrics.truncations++;
      } else {
        // past the leader's end: find the divergence again (after a pause, should it persist)
        f.state = "truncating";
        f.retryAt = Date.now() + this.#options.limits.replicaFetchBackoffMs;
      }
      return;
    }
    if (result.error) {
      this.#failed(f, result.error);
      return;
    }
    if (result.records.byteLength > 0) {
      const appended = await host.appendAsFollower(f.topic, f.partition, result.records, result.highWatermark, f.leaderEpoch);
      f.fetchOffset = appended.lastOffset + 1;
      f.logStartOffset = appended.logStartOffset;
      f.highWatermark = Math.min(result.highWatermark, f.fetchOffset);
    } else if (result.highWatermark !== f.highWatermark) {
      const state = await host.followerHighWatermark(f.topic, f.partition, result.highWatermark);
      f.highWatermark = state.highWatermark;
    }
  }

  /** A partition's error from the leader: wait for the controller's next word, or retry after a backoff. */
  #failed(f: Followed, code: string | null): void {
    if (code === "fenced_leader_epoch" || code === "not_leader" || code === "unknown_partition" || code === "unknown_topic") {
      // our epoch is stale, or the leader is not (yet) leading: the next becomeLeader/becomeFollower restarts it
      f.state = code === "fenced_leader_epoch" ? "waiting" : f.state;
    }
    f.retryAt = Date.now() + this.#options.limits.replicaFetchBackoffMs;
    this.#options.metrics.fetchErrors++;
  }

  /** Runs `step` for `f` if `f` is still the followed state, recording it as `f.busy`; errors back off `f`. */
  async #work(f: Followed, step: () => Promise<void>): Promise<void> {
    if (!this.#current(f)) return;
    const run = (async () => {
      try {
        await step();
      } catch {
        f.retryAt = Date.now() + this.#options.limits.replicaFetchBackoffMs;
        this.#options.metrics.fetchErrors++;
      }
    })();
    f.busy = run;
    await run;
  }

  #current(f: Followed): boolean {
    return this.#partitions.get(partitionKey(f.topic, f.partition)) === f;
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
    });
  }
}
