import { parseArgs } from "node:util";

export const benchHelp = `rivulet bench — measure Rivulet on this machine

Usage: rivulet bench [--quick] [--json FILE] [--baseline FILE]

  --quick          a short run (under two minutes), as CI runs it
  --json FILE      also write the results as a JSON array to FILE
  --baseline FILE  the --json FILE of an earlier run (e.g. of the previous commit):
                   also print a before/after table, row by row

Prints records/s, MB/s and latency percentiles per scenario, with the machine's raw
fdatasync write speed measured in the same run.`;

/** `rivulet bench` */
export async function benchCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { quick: { type: "boolean", default: false }, json: { type: "string" }, baseline: { type: "string" } } });
  const { runBenchmarks } = await import("../../bench/main.ts");
  await runBenchmarks({ quick: values.quick!, jsonPath: values.json, baselinePath: values.baseline });
  return 0;
}
