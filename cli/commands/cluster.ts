/**
 * `rivulet cluster describe`: the cluster a server is in (GET /v1/cluster) and, per topic, each
 * partition's leader, replicas, ISR and leader epoch (and, while it moves, the brokers joining
 * and leaving). `rivulet cluster rebalance` (POST /v1/cluster/rebalance) and `rivulet cluster
 * drain ID` (DELETE /v1/cluster/brokers/ID) start moves and print them.
 */
import { parseArgs } from "node:util";
import { CliError } from "../cli-error.ts";
import { clientFlags, clientOptions } from "../client-flags.ts";
import { ServerClient } from "../server-client.ts";

export const clusterHelp = `rivulet cluster — look at a cluster, move its replicas

Usage: rivulet cluster describe [--url URL] [--token T]
       rivulet cluster rebalance [--url URL] [--token T]
       rivulet cluster drain ID [--url URL] [--token T]

  describe   the cluster id, the controller, the live brokers, and every topic's partitions
             with leader, replicas, in-sync replicas and leader epoch (a moving partition
             shows +ADDING and -REMOVING brokers)
  rebalance  spread replicas and preferred leaders evenly over the live brokers; prints the
             moves started (they complete as new replicas catch up: watch describe)
  drain ID   move every replica off broker ID; refused, with the reason, when the other
             brokers cannot hold some partition's replication factor

  --url URL    any broker of the cluster (default $RIVULET_URL or http://127.0.0.1:8080)
  --token T    bearer token (default $RIVULET_TOKEN)`;

interface ClusterReply {
  cluster_id: string;
  controller: number;
  brokers: Array<{ id: number; host: string; port: number; kafka_port: number | null; status: string }>;
}

interface TopicReply {
  name: string;
  partitions: Array<{
    partition: number; leader?: number; replicas?: number[]; isr?: number[]; leader_epoch?: number; end_offset: number; adding_replicas?: number[]; removing_replicas?: number[];
  }>;
}

interface MovesReply {
  moves: Array<{ topic: string; partition: number; replicas: number[] }>;
}

function printMoves(reply: MovesReply, none: string): void {
  if (reply.moves.length === 0) return console.log(none);
  console.log("TOPIC/PARTITION            NEW REPLICAS");
  for (const m of reply.moves) console.log(`${`${m.topic}/${m.partition}`.padEnd(26)} ${m.replicas.join(",")}`);
  console.log(`${reply.moves.length} move${reply.moves.length === 1 ? "" : "s"} started; \`rivulet cluster describe\` shows their progress`);
}

/** `rivulet cluster …`. */
export async function clusterCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...clientFlags }, allowPositionals: true });
  const [verb, ...rest] = positionals;
  const client = new ServerClient(clientOptions(values));
  if (verb === "rebalance" && rest.length === 0) {
    printMoves(await client.json<MovesReply>("POST", "/v1/cluster/rebalance"), "already balanced: nothing to move");
    return 0;
  }
  if (verb === "drain" && rest.length === 1) {
    if (!/^\d{1,10}$/.test(rest[0])) throw new CliError(`usage: rivulet cluster drain ID (a broker id, got ${JSON.stringify(rest[0])})`, 2);
    printMoves(await client.json<MovesReply>("DELETE", `/v1/cluster/brokers/${rest[0]}`), `broker ${rest[0]} holds no replica: nothing to move`);
    return 0;
  }
  if (verb !== "describe" || rest.length > 0) {
    throw new CliError(`usage: rivulet cluster describe|rebalance|drain ID [--url URL]${verb ? ` (unknown: ${[verb, ...rest].join(" ")})` : ""}`, 2);
  }
  const cluster = await client.json<ClusterReply>("GET", "/v1/cluster");
  console.log(`cluster ${cluster.cluster_id}  controller ${cluster.controller}`);
  console.log("BROKER  HOST             HTTP   KAFKA  STATUS");
  for (const b of cluster.brokers) {
    console.log(`${String(b.id).padEnd(7)} ${b.host.padEnd(16)} ${String(b.port).padEnd(6)} ${String(b.kafka_port ?? "-").padEnd(6)} ${b.status}`);
  }
  const { topics } = await client.json<{ topics: string[] }>("GET", "/v1/topics");
  if (topics.length === 0) return 0;
  console.log("\nTOPIC/PARTITION            LEADER  EPOCH  REPLICAS     ISR");
  for (const name of topics) {
    const topic = await client.json<TopicReply>("GET", `/v1/topics/${encodeURIComponent(name)}`);
    for (const p of topic.partitions) {
      const where = `${name}/${p.partition}`;
      const moving = p.adding_replicas ? `  moving: +${p.adding_replicas.join(",") || "none"} -${(p.removing_replicas ?? []).join(",") || "none"}` : "";
      console.log(`${where.padEnd(26)} ${String(p.leader ?? "-").padEnd(7)} ${String(p.leader_epoch ?? "-").padEnd(6)} ${(p.replicas ?? []).join(",").padEnd(12)} ${(p.isr ?? []).join(",")}${moving}`);
    }
  }
  return 0;
}
