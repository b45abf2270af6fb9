import { parseArgs } from "node:util";
import { CliError } from "../cli-error.ts";
import { onShutdownSignal } from "../../runtime/shutdown-signals.ts";
import { ServerClient } from "../server-client.ts";
import { clientFlags, clientOptions } from "../client-flags.ts";

export const consumeHelp = `rivulet consume — print a topic's records, one per line

Usage: rivulet consume TOPIC [--group G] [--from-beginning] [--follow] [--json]

  --group G          read as a member of consumer group G (offsets are committed)
  --from-beginning   start at the earliest offset (default: only new records)
  --follow           keep waiting for new records (default: stop when caught up)
  --json             print whole records (offset, partition, key, value, headers) as JSON
  --url URL          the server (default http://127.0.0.1:8080, or $RIVULET_URL)
  --token TOKEN      bearer token (or $RIVULET_TOKEN)`;

interface WireRecord {
  topic?: string;
  partition?: number;
  offset: number;
  timestamp: number;
  key?: string;
  key_b64?: string;
  value?: unknown;
  value_b64?: string;
  headers?: unknown;
}
interface FetchReply {
  records: WireRecord[];
  next_offset: number;
  high_watermark: number;
}

/** `rivulet consume TOPIC` */
export async function consumeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...clientFlags, group: { type: "string" }, "from-beginning": { type: "boolean", default: false }, follow: { type: "boolean", default: false }, json: { type: "boolean", default: false } },
  });
  const topic = positionals[0];
  if (!topic) throw new CliError(`rivulet consume needs a topic\n\n${consumeHelp}`, 2);
  const client = new ServerClient(clientOptions(values));
  const abort = new AbortController();
  const off = onShutdownSignal(() => abort.abort());
  const print = (partition: number, r: WireRecord) => {
    if (values.json) console.log(JSON.stringify({ topic, partition, ...r }));
    else console.log(r.value !== undefined ? (typeof r.value === "string" ? r.value : JSON.stringify(r.value)) : `base64:${r.value_b64}`);
  };
  try {
    if (values.group) await consumeAsMember(client, topic, values.group, values["from-beginning"]!, values.follow!, print, abort.signal);
    else await consumePartitions(client, topic, values["from-beginning"]!, values.follow!, print, abort.signal);
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    off();
  }
  return 0;
}

async function consumePartitions(client: ServerClient, topic: string, fromBeginning: boolean, follow: boolean, print: (p: number, r: WireRecord) => void, signal: AbortSignal): Promise<void> {
  const t = encodeURIComponent(topic);
  const described = await client.json<{ partitions: Array<{ partition: number; start_offset: number; end_offset: number }> }>("GET", `/v1/topics/${t}`);
  const cursors = described.partitions.map((p) => ({ partition: p.partition, offset: fromBeginning ? p.start_offset : p.end_offset, end: p.end_offset }));
  await Promise.all(
    cursors.map(async (cursor) => {
      while (!signal.aborted && (follow || cursor.offset < cursor.end)) {
        const wait = follow ? 10_000 : 0;
        const reply = await client.json<FetchReply>("GET", `/v1/topics/${t}/partitions/${cursor.partition}/records?offset=${cursor.offset}&max_records=1000&wait_ms=${wait}`, undefined, signal);
        for (const r of reply.records) print(cursor.partition, r);
        cursor.offset = reply.next_offset;
        if (!follow && reply.records.length === 0) break;
      }
    }),
  );
}

async function consumeAsMember(client: ServerClient, topic: string, group: string, fromBeginning: boolean, follow: boolean, print: (p: number, r: WireRecord) => void, signal: AbortSignal): Promise<void> {
  const g = encodeURIComponent(group);
  const joined = await client.json<{ member_id: string }>("POST", `/v1/groups/${g}/members`, { topics: [topic], auto_offset_reset: fromBeginning ? "earliest" : "latest" });
  const member = encodeURIComponent(joined.member_id);
  try {
    for (;;) {
      const reply = await client.json<{ records: WireRecord[] }>("GET", `/v1/groups/${g}/members/${member}/records?wait_ms=${follow ? 5_000 : 500}&max_records=1000`, undefined, signal);
      for (const r of reply.records) print(r.partition ?? 0, r);
      if (reply.records.length > 0) {
        const last = new Map<string, { topic: string; partition: number; offset: number }>();
        for (const r of reply.records) last.set(`${r.topic}/${r.partition}`, { topic: r.topic ?? topic, partition: r.partition ?? 0, offset: r.offset + 1 });
        await client.json("POST", `/v1/groups/${g}/members/${member}/offsets`, { offsets: [...last.values()] });
      } else if (!follow) break;
      if (signal.aborted) break;
    }
  } finally {
    await client.json("DELETE", `/v1/groups/${g}/members/${member}`).catch(() => {});
  }
}
