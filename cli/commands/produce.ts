import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { CliError } from "../cli-error.ts";
import { ServerClient } from "../server-client.ts";
import { clientFlags, clientOptions } from "../client-flags.ts";
import { Progress } from "../progress.ts";

export const produceHelp = `rivulet produce — write one record per line of standard input

Usage: rivulet produce TOPIC [--key K] [--partition N]

  --key K          the key of every record (default: none, records spread over partitions)
  --partition N    write every record to this partition
  --batch N        records per request (default 1000)
  --url URL        the server (default http://127.0.0.1:8080, or $RIVULET_URL)
  --token TOKEN    bearer token (or $RIVULET_TOKEN)

A line that is valid JSON is stored as that JSON; any other line as its text.`;

/** `rivulet produce TOPIC`: stdin lines → records, sent in batches. */
export async function produceCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...clientFlags, key: { type: "string" }, partition: { type: "string" }, batch: { type: "string", default: "1000" } },
  });
  const topic = positionals[0];
  if (!topic) throw new CliError(`rivulet produce needs a topic\n\n${produceHelp}`, 2);
  const batchSize = Number(values.batch);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new CliError("--batch takes a positive integer", 2);
  const partition = values.partition === undefined ? undefined : Number(values.partition);
  if (partition !== undefined && !(Number.isInteger(partition) && partition >= 0)) throw new CliError("--partition takes a non-negative integer", 2);
  const client = new ServerClient(clientOptions(values));
  const path = `/v1/topics/${encodeURIComponent(topic)}/records`;
  const progress = new Progress(`produced to ${topic}`);
  let batch: Array<Record<string, unknown>> = [];
  let total = 0;
  const send = async () => {
    if (batch.length === 0) return;
    await client.json("POST", path, { records: batch });
    total += batch.length;
    progress.add(batch.length);
    batch = [];
  };
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line === "") continue;
    const record: Record<string, unknown> = { value: jsonOrText(line) };
    if (values.key !== undefined) record.key = values.key;
    if (partition !== undefined) record.partition = partition;
    batch.push(record);
    if (batch.length >= batchSize) await send();
  }
  await send();
  progress.finish();
  console.error(`rivulet: produced ${total} record${total === 1 ? "" : "s"} to ${topic}`);
  return 0;
}

function jsonOrText(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}
