/**
 * The leader's view of a replicated partition's replicas (Kafka keeps the same in `Partition`):
 * the assignment, the in-sync replicas (ISR), each follower's log end offset (LEO) as its last
 * Fetch told it, and when each follower last caught up. From these come the high watermark
 * (min LEO of the ISR) and the ISR changes the leader asks the controller for.
 *
 * Kafka's rules, kept here:
 * - A follower's fetch offset is its LEO: it made what it holds durable before asking for more.
 * - A follower is caught up at a fetch when its fetch offset reaches the leader's LEO at that
 *   fetch, or the leader's LEO at its previous fetch (so a follower under steady load, always a
 *   round trip behind, still counts as caught up).
 * - An ISR member leaves when it is behind the leader's LEO and has not caught up for
 *   `replica.lag.time.max.ms`; a replica joins once its LEO reaches the high watermark and the
 *   start of the current leader epoch.
 * - While an ISR change is in flight (asked, not yet confirmed), the high watermark counts the
 *   "maximal" ISR (old and new members alike), so it never gets ahead of either, and no other
 *   change is asked.
 *
 * Not thread-safe: owned by one partition actor. Times are the caller's clock, in ms.
 */

/** What the leader knows of one follower. */
export interface FollowerProgress {
  /** The follower's log end offset as of its last fetch, -1 before its first fetch to this leader. */
  leo: number;
  /** When the follower last caught up with the leader's LEO (0: never). */
  lastCaughtUpMs: number;
  /** The leader's LEO when the follower last fetched, and when that was. */
  lastFetchLeaderLeo: number;
  lastFetchMs: number;
}

/** The controller's word on a partition: its leader epoch, replicas and ISR. */
export interface ReplicaAssignment {
  leaderEpoch: number;
  replicas: number[];
  isr: number[];
}

/** One follower's lag, for metrics. */
export interface FollowerLag {
  brokerId: number;
  inSync: boolean;
  leo: number;
  lagRecords: number;
  lagMs: number;
}

export class ReplicaSet {
  /** This (the leader's) broker id. */
  readonly self: number;
  /** Where the current leader epoch starts in the leader's log. */
  readonly epochStartOffset: number;
  #assignment: ReplicaAssignment;
  #pending: number[] | null = null;
  #followers = new Map<number, FollowerProgress>();

  /**
   * @param self the leader's broker id
   * @param assignment epoch, replicas and ISR as the controller decided
   * @param epochStartOffset the leader's log end when it took this epoch
   * @param now the current time
   */
  constructor(self: number, assignment: ReplicaAssignment, epochStartOffset: number, now: number) {
    this.self = self;
    this.epochStartOffset = epochStartOffset;
    this.#assignment = copy(assignment);
    this.#resetFollowers(now);
  }

  get leaderEpoch(): number {
    return this.#assignment.leaderEpoch;
  }
  get replicas(): readonly number[] {
    return this.#assignment.replicas;
  }
  /** The ISR in force (confirmed by the controller). */
  get isr(): readonly number[] {
    return this.#assignment.isr;
  }
  /** The ISR asked for and not yet confirmed, or null. */
  get pendingIsr(): readonly number[] | null {
    return this.#pending;
  }
  /** The ISR in force and the one asked for together: what the high watermark waits for. */
  get maximalIsr(): number[] {
    const all = new Set(this.#assignment.isr);
    for (const id of this.#pending ?? []) all.add(id);
    return [...all];
  }

  /**
   * Takes the controller's newer word for the same epoch (replicas or ISR changed). Followers
   * keep their progress; new ones start unknown. A pending change it settles is cleared.
   */
  update(assignment: ReplicaAssignment, now: number): void {
    this.#assignment = copy(assignment);
    if (this.#pending && sameSet(this.#pending, assignment.isr)) this.#pending = null;
    const known = this.#followers;
    this.#followers = new Map();
    for (const id of assignment.replicas) {
      if (id === this.self) continue;
      this.#followers.set(id, known.get(id) ?? fresh(assignment.isr.includes(id) ? now : 0));
    }
  }

  /** Whether `brokerId` is a follower in the assignment. */
  isFollower(brokerId: number): boolean {
    return this.#followers.has(brokerId);
  }

  /**
   * Records a follower's Fetch at `fetchOffset` (its LEO) while the leader's LEO is `leaderLeo`.
   * @returns false when `brokerId` is not a follower of this partition
   */
  followerFetched(brokerId: number, fetchOffset: number, leaderLeo: number, now: number): boolean {
    const f = this.#followers.get(brokerId);
    if (!f) return false;
    if (fetchOffset >= leaderLeo) f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, now);
    else if (fetchOffset >= f.lastFetchLeaderLeo) f.lastCaughtUpMs = Math.max(f.lastCaughtUpMs, f.lastFetchMs);
    f.leo = fetchOffset;
    f.lastFetchLeaderLeo = leaderLeo;
    f.lastFetchMs = now;
    return true;
  }

  /**
   * The high watermark the ISR allows: min of the leader's LEO and every maximal-ISR follower's
   * LEO (-1 while one has not fetched yet). The caller keeps it from going backwards.
   */
  highWatermark(leaderLeo: number): number {
    let hw = leaderLeo;
    for (const id of this.maximalIsr) {
      if (id === this.self) continue;
      const f = this.#followers.get(id);
      hw = Math.min(hw, f ? f.leo : -1);
    }
    return hw;
  }

  /**
   * The ISR change to ask for now, if any (none while one is in flight): first the followers to
   * drop (behind and not caught up for `lagMaxMs`), else the ones to add (caught up to `hw` and
   * to the epoch's start). The leader is always kept.
   */
  proposal(leaderLeo: number, hw: number, lagMaxMs: number, now: number): number[] | null {
    if (this.#pending) return null;
    const isr = this.#assignment.isr;
    const keep = isr.filter((id) => id === this.self || !this.#outOfSync(id, leaderLeo, lagMaxMs, now));
    if (!keep.includes(this.self)) keep.unshift(this.self);
    if (keep.length < isr.length || !isr.includes(this.self)) return keep;
    const join = [...this.#followers].filter(([id, f]) => !isr.includes(id) && f.leo >= hw && f.leo >= this.epochStartOffset).map(([id]) => id);
    return join.length > 0 ? [...isr, ...join] : null;
  }

  /** Marks `isr` as asked for (until {@link settle}). */
  propose(isr: number[]): void {
    this.#pending = [...isr];
  }

  /** The in-flight change was decided: `isr` is now in force (or, null, it failed and nothing changed). */
  settle(isr: number[] | null): void {
    this.#pending = null;
    if (isr) this.#assignment = { ...this.#assignment, isr: [...isr] };
  }

  /** Each follower's lag behind `leaderLeo`, for metrics. */
  lags(leaderLeo: number, now: number): FollowerLag[] {
    return [...this.#followers].map(([brokerId, f]) => ({
      brokerId,
      inSync: this.#assignment.isr.includes(brokerId),
      leo: f.leo,
      lagRecords: f.leo < 0 ? leaderLeo : Math.max(0, leaderLeo - f.leo),
      lagMs: f.leo >= leaderLeo ? 0 : f.lastCaughtUpMs === 0 ? -1 : now - f.lastCaughtUpMs,
    }));
  }

  #outOfSync(id: number, leaderLeo: number, lagMaxMs: number, now: number): boolean {
    const f = this.#followers.get(id);
    if (!f) return true; // in the ISR but no longer a replica
    return f.leo < leaderLeo && now - f.lastCaughtUpMs > lagMaxMs;
  }

  #resetFollowers(now: number): void {
    this.#followers.clear();
    for (const id of this.#assignment.replicas) {
      if (id !== this.self) this.#followers.set(id, fresh(this.#assignment.isr.includes(id) ? now : 0));
    }
  }
}

function fresh(lastCaughtUpMs: number): FollowerProgress {
  return { leo: -1, lastCaughtUpMs, lastFetchLeaderLeo: -1, lastFetchMs: 0 };
}

function copy(a: ReplicaAssignment): ReplicaAssignment {
  return { leaderEpoch: a.leaderEpoch, replicas: [...a.replicas], isr: [...a.isr] };
}

function sameSet(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id) => b.includes(id));
}
