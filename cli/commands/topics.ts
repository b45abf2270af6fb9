import { parseArgs } from "node:util";
import { CliError } from "../cli-error.ts";
import { ServerClient } from "../server-client.ts";
import { clientOptions, clientFlags } from "../client-flags.ts";

export const topicsHelp = `rivulet topics — manage topics on a running server

Usage:
  rivulet topics create NAME [--partitions N] [--replication-factor N] [--config k=v ...]
  rivulet topics list
  rivulet topics describe NAME
  rivulet topics delete NAME

  --replication-factor N  copies of each partition in a cluster (default min(3, live brokers))
  --url URL        the server (default http://127.0.0.1:8080, or $RIVULET_URL)
  --token TOKEN    bearer token (or $RIVULET_TOKEN)`;

interface TopicDescription {
  name: string;
  partitions: Array<{ partition: number; start_offset: number; end_offset: number; worker: number; status?: string; leader?: number; replicas?: number[]; isr?: number[]; leader_epoch?: number }>;
  config: Record<string, unknown>;
}

/** `rivulet topics …` */
export async function topicsCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...clientFlags, partitions: { type: "string", default: "1" }, "replication-factor": { type: "string" }, config: { type: "string", multiple: true, default: [] } },
  });
  const [verb, name] = positionals;
  const client = new ServerClient(clientOptions(values));
  const needName = () => {
    if (!name) throw new CliError(`rivulet topics ${verb} needs a topic name`, 2);
    return encodeURIComponent(name);
  };
  switch (verb) {
    case "create": {
      const partitions = Number(values.partitions);
      if (!Number.isInteger(partitions) || partitions < 1) throw new CliError("--partitions takes a positive integer", 2);
      const config: Record<string, string> = {};
      for (const entry of values.config as string[]) {
        const eq = entry.indexOf("=");
        if (eq < 1) throw new CliError(`--config takes key=value, got ${entry}`, 2);
        config[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      const rawFactor = values["replication-factor"] as string | undefined;
      const factor = rawFactor === undefined ? undefined : Number(rawFactor);
      if (factor !== undefined && !(Number.isInteger(factor) && factor >= 1)) throw new CliError("--replication-factor takes a positive integer", 2);
      needName();
      await client.json("POST", "/v1/topics", { name, partitions, config, ...(factor === undefined ? {} : { replication_factor: factor }) });
      console.log(`created topic ${name} with ${partitions} partition${partitions === 1 ? "" : "s"}`);
      return 0;
    }
    case "list": {
      const reply = await client.json<{ topics: Array<string | { name: string }> }>("GET", "/v1/topics");
      for (const t of reply.topics) console.log(typeof t === "string" ? t : t.name);
      return 0;
    }
    case "describe": {
      const d = await client.json<TopicDescription>("GET", `/v1/topics/${needName()}`);
      console.log(`topic ${d.name}`);
      const clustered = d.partitions.some((p) => p.leader !== undefined);
      console.log(`partition  start_offset  end_offset  worker  status${clustered ? "  leader  epoch  replicas  isr" : ""}`);
      for (const p of d.partitions) {
        const cluster = clustered ? `  ${String(p.leader).padStart(6)}  ${String(p.leader_epoch).padStart(5)}  ${(p.replicas ?? []).join(",").padStart(8)}  ${(p.isr ?? []).join(",")}` : "";
        console.log(`${String(p.partition).padStart(9)}  ${String(p.start_offset).padStart(12)}  ${String(p.end_offset).padStart(10)}  ${String(p.worker).padStart(6)}  ${clustered ? (p.status ?? "").padEnd(6) : (p.status ?? "")}${cluster}`);
      }
      console.log("config:");
      for (const [k, v] of Object.entries(d.config)) console.log(`  ${k}=${v}`);
      return 0;
    }
    case "delete":
      await client.json("DELETE", `/v1/topics/${needName()}`);
      console.log(`deleted topic ${name}`);
      return 0;
    default:
      throw new CliError(`unknown topics verb ${verb ?? "(none)"}\n\n${topicsHelp}`, 2);
  }
}
