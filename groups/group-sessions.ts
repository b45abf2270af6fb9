/**
 * Session expiry for group members. A member's deadline moves forward on every sign of life
 * ({@link GroupSessions.touch}); one timer per member fires at the deadline and, if the member
 * was touched since, re-arms for the remainder instead of being cancelled on every heartbeat.
 * Not thread-safe: used from one group's event loop turn at a time.
 */
import type { Clock } from "../core/clock.ts";
import type { TimerHandle, Timers } from "./group-timers.ts";

interface Session {
  timeoutMs: number;
  deadlineMs: number;
  timer: TimerHandle | undefined;
}

/** Options for {@link GroupSessions}. */
export interface GroupSessionsOptions {
  clock: Clock;
  timers: Timers;
  /** Called once when a member's session runs out. */
  onExpire: (memberId: string) => void;
  /** A member for which this returns true is not expired (Kafka keeps members held in a join alive). */
  keepAlive?: (memberId: string) => boolean;
}

/**
 * Tracks member sessions.
 *
 * @example
 * ```ts
 * const sessions = new GroupSessions({ clock, timers, onExpire: (id) => group.evict(id) });
 * sessions.touch("member-1", 10_000);
 * ```
 */
export class GroupSessions {
  #sessions = new Map<string, Session>();
  #options: GroupSessionsOptions;

  /** @param options clock, timers and the expiry callback */
  constructor(options: GroupSessionsOptions) {
    this.#options = options;
  }

  /** Starts or extends a member's session: it now expires `timeoutMs` from now. */
  touch(memberId: string, timeoutMs: number): void {
    const deadlineMs = this.#options.clock.now() + timeoutMs;
    const session = this.#sessions.get(memberId);
    if (session) {
      session.timeoutMs = timeoutMs;
      session.deadlineMs = deadlineMs;
      if (session.timer === undefined) this.#arm(memberId, session, timeoutMs);
      return;
    }
    const created: Session = { timeoutMs, deadlineMs, timer: undefined };
    this.#sessions.set(memberId, created);
    this.#arm(memberId, created, timeoutMs);
  }

  /** Forgets a member without calling `onExpire`. */
  remove(memberId: string): void {
    const session = this.#sessions.get(memberId);
    if (!session) return;
    if (session.timer) this.#options.timers.cancel(session.timer);
    this.#sessions.delete(memberId);
  }

  /** Forgets every member. */
  clear(): void {
    for (const memberId of [...this.#sessions.keys()]) this.remove(memberId);
  }

  #arm(memberId: string, session: Session, delayMs: number): void {
    session.timer = this.#options.timers.set(() => this.#check(memberId, session), delayMs);
  }

  #check(memberId: string, session: Session): void {
    session.timer = undefined;
    if (this.#sessions.get(memberId) !== session) return;
    const now = this.#options.clock.now();
    if (this.#options.keepAlive?.(memberId)) {
      session.deadlineMs = now + session.timeoutMs;
      this.#arm(memberId, session, session.timeoutMs);
    } else if (now < session.deadlineMs) {
      this.#arm(memberId, session, session.deadlineMs - now);
    } else {
      this.#sessions.delete(memberId);
      this.#options.onExpire(memberId);
    }
  }
}
