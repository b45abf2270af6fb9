/**
 * Fault injection, for tests and chaos runs (`Broker.open({ faultInjection: true })`).
 */
import type { SupervisorRequest } from "../actors/supervisor-protocol.ts";

export class BrokerFaults {
  #send: (message: SupervisorRequest) => Promise<unknown>;

  constructor(send: (message: SupervisorRequest) => Promise<unknown>) {
    this.#send = send;
  }

  /** Kills the worker hosting the partition, as a crash would; it restarts and recovers. */
  async crashPartition(topic: string, partition: number): Promise<void> {
    await this.#send({ type: "fault", kind: "crash", topic, partition });
  }

  /** Makes the partition's worker spin forever; only the heartbeat can find it. */
  async hangPartition(topic: string, partition: number): Promise<void> {
    await this.#send({ type: "fault", kind: "hang", topic, partition });
  }

  /** Makes the partition fail on every start from now on, then crashes its worker: it ends offline. */
  async breakPartition(topic: string, partition: number): Promise<void> {
    await this.#send({ type: "fault", kind: "break", topic, partition });
  }
}
