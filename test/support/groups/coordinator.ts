/**
 * Test support for the group coordinator: two small but real {@link OffsetStore}s (in memory,
 * and a JSON-lines file that survives a new coordinator), and a coordinator wired to a
 * {@link ManualClock} with {@link ManualTimers}.
 */
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { ManualClock } from "../../../core/clock.ts";
import { defaultLimits, type Limits } from "../../../core/limits.ts";
import { encodeSubscription } from "../../../groups/consumer-protocol.ts";
import { GroupCoordinator } from "../../../groups/group-coordinator.ts";
import { ManualTimers } from "../../../groups/group-timers.ts";
import type { CommittedOffset, JoinGroupRequest } from "../../../broker/group-api.ts";
import type { OffsetStore } from "../../../groups/offset-store.ts";

type Entry = CommittedOffset & { groupId: string };

/** An in-memory offset store; `gate` (when set) holds appends until it resolves. */
export class MemoryOffsetStore implements OffsetStore {
  entries: Entry[] = [];
  gate: Promise<void> | undefined;
  async load(): Promise<Entry[]> {
    return this.entries.map((e) => ({ ...e }));
  }
  async append(entries: Entry[]): Promise<void> {
    if (this.gate) await this.gate;
    this.entries.push(...entries.map((e) => ({ ...e })));
  }
}

/** An offset store appending one JSON line per commit to a file, and reading the latest per key back. */
export class FileOffsetStore implements OffsetStore {
  /** @param path the file to append to */
  constructor(readonly path: string) {}
  async load(): Promise<Entry[]> {
    if (!existsSync(this.path)) return [];
    const latest = new Map<string, Entry>();
    for (const line of readFileSync(this.path, "utf8").split("\n")) {
      if (line === "") continue;
      const e = JSON.parse(line) as Entry;
      latest.set(JSON.stringify([e.groupId, e.topic, e.partition]), e);
    }
    return [...latest.values()];
  }
  async append(entries: Entry[]): Promise<void> {
    appendFileSync(this.path, entries.map((e) => JSON.stringify(e) + "\n").join(""));
  }
}

/** A coordinator on a manual clock and timers, with topics "t" (4 partitions) and "u" (2). */
export function setup(options: { limits?: Partial<Limits>; store?: OffsetStore; topics?: Record<string, number> } = {}) {
  const clock = new ManualClock(1_000_000);
  const timers = new ManualTimers(clock);
  const store = options.store ?? new MemoryOffsetStore();
  const topics = options.topics ?? { t: 4, u: 2 };
  const coordinator = new GroupCoordinator({
    offsetStore: store,
    partitionsOf: (topic) => topics[topic],
    clock,
    timers,
    limits: { ...defaultLimits, ...options.limits },
  });
  return { clock, timers, store, coordinator, topics };
}

/** A Kafka consumer's JoinGroup request for group "g", subscribed to "t". */
export function joinRequest(memberId: string, overrides: Partial<JoinGroupRequest> = {}): JoinGroupRequest {
  return {
    groupId: "g",
    memberId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 5_000,
    protocolType: "consumer",
    protocols: [{ name: "range", metadata: encodeSubscription({ version: 0, topics: ["t"], userData: null }) }],
    clientId: "app",
    clientHost: "/127.0.0.1",
    ...overrides,
  };
}

/** Settles what is settleable: lets held promises' continuations run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

/** Whether a promise has settled yet (without waiting for it). */
export async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(() => (settled = true), () => (settled = true));
  await flush();
  return settled;
}

/** The RivuletError code a promise rejects with, or "resolved". */
export async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}
