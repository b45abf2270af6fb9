/**
 * The contract every measured system implements: a list of cases run in order once per round
 * (so a consume case reads what the produce case before it wrote in the same round), and a way
 * to stop its server. Rounds interleave the systems, so a burst of load from elsewhere on the
 * machine spreads across them instead of landing on one.
 */
import type { LatencyResult } from "../harness/latency.ts";

/** One measurement of one case in one round. */
export interface Measured {
  /** Records moved (0 for pure latency cases). */
  records: number;
  /** Value bytes moved (records × 100). */
  bytes: number;
  /** Wall time of the moving, ms. */
  ms: number;
  /** CPU of this (client) process, % of one core. */
  clientPct: number;
  /** CPU of the server process, % of one core (null when it runs in this process). */
  serverPct: number | null;
  latency?: LatencyResult;
}

/** Sizes of one round. */
export interface RoundSizes {
  /** Records produced then consumed per network throughput case. */
  records: number;
  /** Records produced then consumed per in-process case. */
  inProcessRecords: number;
  /** Records per second of the latency cases. */
  latencyRatePerS: number;
  /** How long each latency case sends, ms. */
  latencyMs: number;
  /** Records of the latency cases' first second or so that are not counted, ms. */
  latencyWarmupMs: number;
}

/** A case: one scenario as one system runs it. */
export interface Case {
  /** The scenario, shared by every system that runs it (rows are compared within it). */
  scenario: string;
  /** The system and its variant, e.g. `rivulet http cbor`, `redis streams`. */
  system: string;
  /**
   * For a peer: the Rivulet system, or family of systems (`rivulet http` covers `rivulet http
   * cbor`), of the same scenario to set it against; the best of them is used (default: all).
   */
  compareTo?: string;
  /** What the reader should know (settings, durability). */
  note?: string;
  run(round: number, sizes: RoundSizes): Promise<Measured>;
}

/** A started system. */
export interface System {
  name: string;
  cases: Case[];
  stop(): Promise<void>;
}

/** Scenario names shared across systems. */
export const SCENARIO = {
  produce: "network produce, batches of 1,000",
  consume: "network consume from the start",
  latency: "end-to-end latency at 10,000 records/s",
} as const;
