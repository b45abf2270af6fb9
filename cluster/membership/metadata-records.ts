/**
 * The JSON values the cluster stores in etcd (see {@link ./cluster-keys.ts} for where), with
 * their checks. Field names are the wire names (snake_case), the same as in the HTTP API's
 * cluster shapes. A value that fails its check parses to null: the metadata cache then treats
 * the key as absent and lists it as invalid, never crashes on it.
 */
import { checkBrokerId } from "./cluster-keys.ts";

/** A broker's registration: where clients and other brokers reach it. */
export interface BrokerInfo {
  id: number;
  host: string;
  /** The HTTP port. */
  port: number;
  /** The Kafka listener's port. */
  kafka_port: number;
}

/** Who the controller is. Its epoch is the controller key's create_revision, not stored here. */
export interface ControllerInfo {
  broker_id: number;
  /** The controller's broker epoch (its registration's create_revision) when it was elected. */
  broker_epoch: number;
}

/** A topic's replica assignment and config, written by the controller. */
export interface TopicRecord {
  name: string;
  /** `replicas[p]` lists the broker ids holding partition p, the preferred leader first. */
  replicas: number[][];
  /** Topic config overrides (Kafka names: `min.insync.replicas`, …). */
  config: Record<string, string>;
  /**
   * Partitions being moved (Kafka's reassignment, KIP-455), by partition number: the brokers
   * being added (in `replicas[p]`, catching up) and being removed (still in `replicas[p]` until
   * the move completes). The move's target is `replicas[p]` without `removing_replicas[p]`.
   * Absent when nothing moves.
   */
  adding_replicas?: Record<string, number[]>;
  removing_replicas?: Record<string, number[]>;
}

/** A partition's leadership, written by the controller with compare-and-set. */
export interface PartitionState {
  /** The leader's broker id; -1 when the partition has no leader. */
  leader: number;
  /** Raised by every change of leader. */
  leader_epoch: number;
  /** The in-sync replicas' broker ids. */
  isr: number[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);
const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0 && (v as number) < 65_536;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isBrokerId = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0x7fffffff;

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The broker info in `text`, or null when it is not valid. */
export function parseBrokerInfo(text: string): BrokerInfo | null {
  const v = json(text);
  if (!isObject(v) || !isBrokerId(v.id) || typeof v.host !== "string" || v.host === "" || v.host.length > 255) return null;
  if (!isPort(v.port) || !isPort(v.kafka_port)) return null;
  return { id: v.id, host: v.host, port: v.port, kafka_port: v.kafka_port };
}

/** Checks a broker info before it is registered. */
export function checkBrokerInfo(info: BrokerInfo): void {
  checkBrokerId(info.id);
  if (parseBrokerInfo(JSON.stringify(info)) === null) throw new TypeError(`broker info ${JSON.stringify(info)} needs a host and ports in 1..65535`);
}

export function parseControllerInfo(text: string): ControllerInfo | null {
  const v = json(text);
  if (!isObject(v) || !isBrokerId(v.broker_id) || !isCount(v.broker_epoch)) return null;
  return { broker_id: v.broker_id, broker_epoch: v.broker_epoch };
}

export function parseTopicRecord(text: string): TopicRecord | null {
  const v = json(text);
  if (!isObject(v) || typeof v.name !== "string" || !Array.isArray(v.replicas) || !isObject(v.config)) return null;
  if (!v.replicas.every((r) => Array.isArray(r) && r.length > 0 && r.every(isBrokerId))) return null;
  if (!Object.values(v.config).every((c) => typeof c === "string")) return null;
  const record: TopicRecord = { name: v.name, replicas: v.replicas as number[][], config: v.config as Record<string, string> };
  for (const field of ["adding_replicas", "removing_replicas"] as const) {
    const moves = v[field];
    if (moves === undefined) continue;
    if (!isObject(moves) || !Object.entries(moves).every(([p, ids]) => /^\d{1,10}$/.test(p) && Array.isArray(ids) && ids.every(isBrokerId))) return null;
    record[field] = moves as Record<string, number[]>;
  }
  return record;
}

export function parsePartitionState(text: string): PartitionState | null {
  const v = json(text);
  if (!isObject(v) || !Number.isInteger(v.leader) || (v.leader as number) < -1 || !isCount(v.leader_epoch)) return null;
  if (!Array.isArray(v.isr) || !v.isr.every(isBrokerId)) return null;
  return { leader: v.leader as number, leader_epoch: v.leader_epoch, isr: v.isr as number[] };
}
