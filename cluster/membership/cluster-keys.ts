/**
 * Where a cluster keeps its state in etcd. Everything of cluster `<c>` lives under `/<c>/`:
 *
 * | key | value (JSON) | written by | bound to |
 * |---|---|---|---|
 * | `/<c>/brokers/<id>` | {@link BrokerInfo} | the broker itself, once, create-only | the broker's lease |
 * | `/<c>/controller` | {@link ControllerInfo} | the elected broker, create-only | the controller's broker lease |
 * | `/<c>/topics/<name>` | {@link TopicRecord} | the controller (guarded txn) | — |
 * | `/<c>/partitions/<topic>/<p>` | {@link PartitionState} | the controller (guarded txn, compare-and-set) | — |
 * | `/<c>/producer-ids` | `{"next": N}`: the first producer id no broker has taken | any broker (compare-and-set) | — |
 *
 * Cluster names follow the topic-name rule (`[a-zA-Z0-9._-]{1,249}`, not `.` or `..`), so no
 * name contains `/` and every key parses back unambiguously.
 */
import { RivuletError } from "../../core/errors.ts";
import { bytesText, prefixEnd } from "../etcd/etcd-bytes.ts";

/** What a key under the cluster prefix names. */
export type ClusterKey =
  | { kind: "broker"; brokerId: number }
  | { kind: "controller" }
  | { kind: "topic"; topic: string }
  | { kind: "partition"; topic: string; partition: number };

const namePattern = /^[a-zA-Z0-9._-]{1,249}$/;

/** Checks a cluster or topic name for use in a key. */
function checkName(name: string, what: string): void {
  if (!namePattern.test(name) || name === "." || name === "..") {
    throw new RivuletError("invalid_request", `${what} ${JSON.stringify(name)} must match [a-zA-Z0-9._-]{1,249} and not be "." or ".."`);
  }
}

/** Checks a broker id: Kafka's `broker.id`, a non-negative int32. */
export function checkBrokerId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > 0x7fffffff) throw new RivuletError("invalid_request", `broker id must be an integer in [0, 2^31), got ${id}`);
}

const decimal = /^(0|[1-9]\d{0,9})$/;

/**
 * The keys of one cluster.
 *
 * @example
 * ```ts
 * const keys = new ClusterKeys("default");
 * keys.broker(1);            // "/default/brokers/1"
 * keys.parse("/default/partitions/orders/3"); // { kind: "partition", topic: "orders", partition: 3 }
 * ```
 */
export class ClusterKeys {
  /** The cluster name. */
  readonly cluster: string;
  /** `/<cluster>/`: every key of the cluster starts with it. */
  readonly prefix: string;
  /** The end of the prefix range (exclusive). */
  readonly prefixEnd: string;
  /** The controller election key. */
  readonly controller: string;
  /** The cluster's producer id counter (see ProducerIdBlocks). */
  readonly producerIds: string;

  /** @throws {RivuletError} `invalid_request` for a bad cluster name */
  constructor(cluster: string) {
    checkName(cluster, "cluster name");
    this.cluster = cluster;
    this.prefix = `/${cluster}/`;
    this.prefixEnd = bytesText(prefixEnd(this.prefix));
    this.controller = `${this.prefix}controller`;
    this.producerIds = `${this.prefix}producer-ids`;
  }

  broker(id: number): string {
    checkBrokerId(id);
    return `${this.prefix}brokers/${id}`;
  }

  topic(name: string): string {
    checkName(name, "topic name");
    return `${this.prefix}topics/${name}`;
  }

  partition(topic: string, partition: number): string {
    checkName(topic, "topic name");
    if (!Number.isInteger(partition) || partition < 0) throw new RivuletError("invalid_request", `partition must be a non-negative integer, got ${partition}`);
    return `${this.prefix}partitions/${topic}/${partition}`;
  }

  /** What `key` names, or null for a key of no known kind (left alone, for newer brokers). */
  parse(key: string): ClusterKey | null {
    if (!key.startsWith(this.prefix)) return null;
    const parts = key.slice(this.prefix.length).split("/");
    if (parts.length === 1 && parts[0] === "controller") return { kind: "controller" };
    if (parts.length === 2 && parts[0] === "brokers" && decimal.test(parts[1]) && Number(parts[1]) <= 0x7fffffff) return { kind: "broker", brokerId: Number(parts[1]) };
    if (parts.length === 2 && parts[0] === "topics" && namePattern.test(parts[1])) return { kind: "topic", topic: parts[1] };
    if (parts.length === 3 && parts[0] === "partitions" && namePattern.test(parts[1]) && decimal.test(parts[2])) {
      return { kind: "partition", topic: parts[1], partition: Number(parts[2]) };
    }
    return null;
  }
}
