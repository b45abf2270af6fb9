/**
 * A {@link ReplicaManager} that gives each local replica its role and leader epoch but copies
 * no data between brokers: the leader stamps the controller's epoch on its log
 * (`BrokerCore.becomeLeader`), a follower is only recorded. It is what a clustered broker runs
 * until `cluster/replication`'s ReplicaManager (follower fetch, high watermark, ISR, acks=all)
 * is given to `serve()`, and what the control-plane tests drive, reading its `calls`.
 */
import type { ReplicaManager } from "./replica-manager-api.ts";

/** The broker's epoch entry point (BrokerCore's replication internals). */
export interface EpochBroker {
  becomeLeader(topic: string, partition: number, leaderEpoch: number): Promise<unknown>;
}

/** One call received, in order. */
export type ReplicaCall =
  | { call: "becomeLeader"; topic: string; partition: number; leaderEpoch: number; replicas: number[]; isr: number[] }
  | { call: "becomeFollower"; topic: string; partition: number; leaderEpoch: number; leader: number; replicas: number[] }
  | { call: "stopReplica"; topic: string; partition: number; deleteData: boolean };

/**
 * Roles without replication.
 *
 * @example
 * ```ts
 * const replicas = new UnreplicatedReplicas(broker);
 * await replicas.becomeLeader("orders", 0, { leaderEpoch: 1, replicas: [1, 2], isr: [1, 2] });
 * replicas.calls; // [{ call: "becomeLeader", … }]
 * ```
 */
export class UnreplicatedReplicas implements ReplicaManager {
  readonly #broker: EpochBroker;
  readonly #listeners = new Set<(call: ReplicaCall) => void>();
  /** Every call received, oldest first (bounded: the last 10 000). */
  readonly calls: ReplicaCall[] = [];

  constructor(broker: EpochBroker) {
    this.#broker = broker;
  }

  /** Calls `listener` on every call. @returns a function that removes it */
  onCall(listener: (call: ReplicaCall) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async becomeLeader(topic: string, partition: number, state: { leaderEpoch: number; replicas: number[]; isr: number[] }): Promise<void> {
    // The same epoch again (told a new ISR) is a no-op for the log.
    await this.#broker.becomeLeader(topic, partition, state.leaderEpoch);
    this.#record({ call: "becomeLeader", topic, partition, leaderEpoch: state.leaderEpoch, replicas: [...state.replicas], isr: [...state.isr] });
  }

  async becomeFollower(topic: string, partition: number, state: { leaderEpoch: number; leader: number; replicas: number[] }): Promise<void> {
    this.#record({ call: "becomeFollower", topic, partition, leaderEpoch: state.leaderEpoch, leader: state.leader, replicas: [...state.replicas] });
  }

  async stopReplica(topic: string, partition: number, options: { deleteData: boolean }): Promise<void> {
    this.#record({ call: "stopReplica", topic, partition, deleteData: options.deleteData });
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }

  #record(call: ReplicaCall): void {
    this.calls.push(call);
    if (this.calls.length > 10_000) this.calls.shift();
    for (const listener of [...this.#listeners]) listener(call);
  }
}
