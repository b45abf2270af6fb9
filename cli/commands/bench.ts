import { parseArgs } from "node:util";

export const benchHelp = `rivulet bench — measure Rivulet on this machine

Usage: rivulet bench [--quick] [--json FILE] [--baseline FILE]
       rivulet bench --cluster [--quick] [--kills N] [--lease-ms MS]

  --quick          a short run (under two minutes), as CI runs it
  --json FILE      also write the results as a JSON array to FILE
  --baseline FILE  the --json FILE of an earlier run (e.g. of the previous commit):
                   also print a before/after table, row by row

  --cluster        three brokers and etcd on this machine (etcd from PATH) against one
                   broker: acks=all produce and consume throughput, and failover time
                   (kill -9 of a partition leader → next acknowledged produce) over
                   --kills rounds (default 6; 3 with --quick) at a lease TTL of
                   --lease-ms (default 2000)

Prints records/s, MB/s and latency percentiles per scenario, with the machine's raw
fdatasync write speed measured in the same run.`;

/** `rivulet bench` */
export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { quick: { type: "boolean", default: false }, json: { type: "string" }, baseline: { type: "string" }, cluster: { type: "boolean", default: false }, kills: { type: "string" }, "lease-ms": { type: "string" } },
  });
  if (values.cluster) {
    const { clusterBenchmark } = await import("../../bench/cluster.ts");
    const count = (name: string, raw: string | undefined): number | undefined => {
      if (raw === undefined) return undefined;
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || n < 1) throw new TypeError(`--${name} must be a positive integer`);
      return n;
    };
    const { text } = await clusterBenchmark({ quick: values.quick!, kills: count("kills", values.kills), leaseTtlMs: count("lease-ms", values["lease-ms"]) });
    console.log(`\n${text}\n`);
    return 0;
  }
  const { runBenchmarks } = await import("../../bench/main.ts");
  await runBenchmarks({ quick: values.quick!, jsonPath: values.json, baselinePath: values.baseline });
  return 0;
}
