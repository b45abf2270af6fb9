/**
 * The cluster's admin operations as the front ends call them on any broker: move one
 * partition, drain a broker, rebalance. Each goes to the controller (directly when this broker
 * is it, else through a request key, see {@link TopicRequester}); the call returns once the move
 * has **started** (it is in etcd and this broker's metadata shows it). The moves then complete
 * in the background as the new replicas catch up; describe shows them in progress
 * (`adding_replicas` / `removing_replicas`).
 */
import { isRivuletError } from "../../core/errors.ts";
import type { MovesResult, TopicRequest } from "../controller/topic-requests.ts";
import type { ClusterNode } from "./cluster-node.ts";

/** What the admin routes call. */
export interface ClusterAdminApi {
  /**
   * Starts moving a partition to `replicas` (the preferred leader first).
   *
   * @throws {RivuletError} `unknown_topic`, `unknown_partition`, `invalid_replica_assignment`,
   *   `unknown_broker`, `not_controller` / `timeout` / `coordination_unavailable` (retriable)
   */
  reassign(topic: string, partition: number, replicas: number[]): Promise<void>;
  /** @throws {RivuletError} `unknown_broker`, `not_enough_brokers` (the reason in its message) */
  drain(brokerId: number): Promise<MovesResult>;
  rebalance(): Promise<MovesResult>;
}

/**
 * The admin operations of one clustered broker.
 *
 * @example
 * ```ts
 * const admin = new ClusterAdmin(() => clustered.node);
 * await admin.reassign("orders", 0, [2, 3, 4]);
 * ```
 */
export class ClusterAdmin implements ClusterAdminApi {
  readonly #node: () => ClusterNode;

  /** @param node the started cluster node (throws `coordination_unavailable` while joining) */
  constructor(node: () => ClusterNode) {
    this.#node = node;
  }

  async reassign(topic: string, partition: number, replicas: number[]): Promise<void> {
    await this.#ask({ op: "reassign", name: topic, partition, replicas });
  }

  async drain(brokerId: number): Promise<MovesResult> {
    return (await this.#ask({ op: "drain", name: "", broker: brokerId })) ?? { moves: [] };
  }

  async rebalance(): Promise<MovesResult> {
    return (await this.#ask({ op: "rebalance", name: "" })) ?? { moves: [] };
  }

  /** The controller's answer, once this broker's metadata shows the change. */
  async #ask(request: Extract<TopicRequest, { op: "reassign" | "drain" | "rebalance" }>): Promise<MovesResult | undefined> {
    const node = this.#node();
    let answer: { revision: number; result?: MovesResult } | null = null;
    if (node.election.isController) {
      try {
        if (request.op === "reassign") answer = { revision: await node.controller.reassign(request) };
        else answer = request.op === "drain" ? await node.controller.drain(request) : await node.controller.rebalance(request);
      } catch (error) {
        if (!isRivuletError(error, "not_controller")) throw error;
      }
    }
    answer ??= await node.requester.submit(request);
    await node.caughtUp(answer.revision);
    return answer.result;
  }
}
