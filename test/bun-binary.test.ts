import { suite } from "uvu";
import * as assert from "uvu/assert";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeName } from "../runtime/runtime-name.ts";
import { run, startServing, type Serving } from "./support/child-process.ts";
import { tempDir } from "./support/temp-dir.ts";

// Issue 13: `npm run compile` → a Bun single executable (bench/package/compile.mjs, here into a
// temporary directory). It serves with its partition workers inside the executable, and after a
// kill -9 it restarts on the same data directory with every acknowledged record.
// (`deno compile` needs a download from Deno's servers that these machines cannot reach: the
// Deno executable is built by the same script where they can, and is not tested here.)

const root = fileURLToPath(new URL("..", import.meta.url));
const test = suite<{ tmp?: { dir: string; remove(): void }; exe?: string }>("bun single executable");

test.before(async (context) => {
  if (runtimeName !== "node") return;
  context.tmp = tempDir("rivulet-bun-binary-");
  const built = await run(process.execPath, [join(root, "bench", "package", "compile.mjs"), "--target", "bun", "--out", context.tmp.dir], { cwd: root });
  if (built.code !== 0) throw new Error(`compile failed:\n${built.stdout}\n${built.stderr}`);
  context.exe = join(context.tmp.dir, "rivulet-bun");
});

test.after((context) => context.tmp?.remove());

interface Ack {
  partition: number;
  offset: number;
}

async function produce(url: string, topic: string, values: string[]): Promise<Ack[]> {
  const response = await fetch(`${url}/v1/topics/${topic}/records`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ records: values.map((value, i) => ({ key: `key-${i % 5}`, value })) }),
  });
  assert.is(response.status, 200, await response.clone().text());
  return ((await response.json()) as { offsets: Ack[] }).offsets;
}

async function readPartition(url: string, topic: string, partition: number): Promise<Map<number, unknown>> {
  const records = new Map<number, unknown>();
  for (let offset = 0; ; ) {
    const response = await fetch(`${url}/v1/topics/${topic}/partitions/${partition}/records?offset=${offset}&max_records=1000`);
    assert.is(response.status, 200);
    const body = (await response.json()) as { records: Array<{ offset: number; value: unknown }>; next_offset: number; high_watermark: number };
    for (const r of body.records) records.set(r.offset, r.value);
    if (body.next_offset >= body.high_watermark || body.records.length === 0) return records;
    offset = body.next_offset;
  }
}

async function kill9(server: Serving): Promise<void> {
  server.child.kill("SIGKILL");
  assert.is(await server.exited, "SIGKILL");
}

test("the Bun executable serves, produces, survives kill -9 and restarts with every acknowledged record", async ({ tmp, exe }) => {
  if (runtimeName !== "node") {
    console.log("  (runs once, from the Node run of test/bun-binary.test.ts, which compiles and starts the executable itself)");
    return;
  }
  const data = join(tmp!.dir, "data");
  const cwd = tmp!.dir; // nothing of the repository around: the executable carries everything
  let server = await startServing(exe!, ["serve", "--port", "0", "--data-dir", data], cwd);
  const acknowledged = new Map<string, string>();
  try {
    const created = await run(exe!, ["topics", "create", "orders", "--partitions", "3", "--url", server.url], { cwd });
    assert.is(created.code, 0, created.stderr);
    for (let round = 0; round < 5; round++) {
      const values = Array.from({ length: 20 }, (_, i) => `order-${round}-${i}`);
      const acks = await produce(server.url, "orders", values);
      acks.forEach((ack, i) => acknowledged.set(`${ack.partition}/${ack.offset}`, values[i]));
    }
    const cli = await run(exe!, ["produce", "orders", "--partition", "1", "--url", server.url], { cwd, stdin: "from-the-cli\n" });
    assert.is(cli.code, 0, cli.stderr);
    assert.match(cli.stderr, /produced 1 record to orders/);
    await kill9(server);

    server = await startServing(exe!, ["serve", "--port", "0", "--data-dir", data], cwd);
    const stored = new Map<string, unknown>();
    for (let p = 0; p < 3; p++) for (const [offset, value] of await readPartition(server.url, "orders", p)) stored.set(`${p}/${offset}`, value);
    for (const [at, value] of acknowledged) assert.is(stored.get(at), value, `acknowledged record ${at} survived`);
    assert.ok([...stored.values()].includes("from-the-cli"), "the record produced by the executable's own CLI survived");
    assert.is(stored.size, acknowledged.size + 1, "nothing more, nothing less");
    const [after] = await produce(server.url, "orders", ["after-restart"]);
    const highest = Math.max(-1, ...[...stored.keys()].filter((k) => k.startsWith(`${after.partition}/`)).map((k) => Number(k.split("/")[1])));
    assert.is(after.offset, highest + 1, "appends continue after the recovered records");
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
  }
});

test.run();
