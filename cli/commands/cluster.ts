/**
 * `rivulet cluster describe`: the cluster a server is in (GET /v1/cluster) and, per topic, each
 * partition's leader, replicas, ISR and leader epoch.
 */
import { parseArgs } from "node:util";
import { CliError } from "../cli-error.ts";
import { clientFlags, clientOptions } from "../client-flags.ts";
import { ServerClient } from "../server-client.ts";

export const clusterHelp = `rivulet cluster — look at a cluster

Usage: rivulet cluster describe [--url URL] [--token T]

  describe   the cluster id, the controller, the live brokers, and every topic's partitions
             with leader, replicas, in-sync replicas and leader epoch

  --url URL    any broker of the cluster (default $RIVULET_URL or http://127.0.0.1:8080)
  --token T    bearer token (default $RIVULET_TOKEN)`;

interface ClusterReply {
  cluster_id: string;
  controller: number;
  brokers: Array<{ id: number; host: string; port: number; kafka_port: number | null; status: string }>;
}

interface TopicReply {
  name: string;
  partitions: Array<{ partition: number; leader?: number; replicas?: number[]; isr?: number[]; leader_epoch?: number; end_offset: number }>;
}

/** `rivulet cluster …`. */
export async function clusterCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { ...clientFlags }, allowPositionals: true });
  const [verb, ...rest] = positionals;
  if (verb !== "describe" || rest.length > 0) throw new CliError(`usage: rivulet cluster describe [--url URL]${verb ? ` (unknown: ${[verb, ...rest].join(" ")})` : ""}`, 2);
  const client = new ServerClient(clientOptions(values));
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
      console.log(`${where.padEnd(26)} ${String(p.leader ?? "-").padEnd(7)} ${String(p.leader_epoch ?? "-").padEnd(6)} ${(p.replicas ?? []).join(",").padEnd(12)} ${(p.isr ?? []).join(",")}`);
    }
  }
  return 0;
}
