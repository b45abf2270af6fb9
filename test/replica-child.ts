/**
 * The victim of the follower kill test (`test/replica-kill.test.ts`): a broker on the data
 * directory `argv[2]` that follows partition `argv[3]`/0 of the leader (broker 1) whose Kafka
 * listener is on 127.0.0.1:`argv[4]`, at leader epoch 1, as broker 2. Prints `ready` once it
 * follows, then fetches until it is killed.
 */
import { Broker } from "../groups/broker.ts";
import { serve } from "../server/serve.ts";
import { RivuletError } from "../core/errors.ts";
import { writeLineSync } from "./support/write-line.ts";

const [dataDir, topic, leaderPort] = process.argv.slice(2);
const limits = { replicaFetchBackoffMs: 50 };
const broker = await Broker.open({ dataDir, maxWorkers: 1, limits });
const server = await serve(broker, {
  host: "127.0.0.1",
  port: 0,
  kafkaPort: 0,
  limits,
  replication: {
    brokerId: 2,
    endpoint: (id) => (id === 1 ? { host: "127.0.0.1", port: Number(leaderPort) } : undefined),
    topic: (name) => (name === topic ? { partitions: 1, config: { "replica.lag.time.max.ms": 1000, "min.insync.replicas": 1 } } : undefined),
    alterIsr: () => Promise.reject(new RivuletError("not_controller", "a follower asks for no ISR change")),
  },
});
await server.replicas!.becomeFollower(topic, 0, { leaderEpoch: 1, leader: 1, replicas: [1, 2] });
writeLineSync("ready");
