import { suite } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runtimeName } from "../runtime/runtime-name.ts";
import { run, startServing } from "./support/child-process.ts";
import { packAndInstall, staticallyLoaded, type InstalledPackage } from "./support/installed-package.ts";
import { tempDir } from "./support/temp-dir.ts";

// Issue 13: what a new user gets from `npm pack` + `npm install ./rivulet-*.tgz --omit=dev` in an
// empty project — the `rivulet` bin, `import { Broker, serve } from "rivulet"` on Node and Bun,
// `import { Broker } from "npm:rivulet"` on Deno, and the types — with nothing of the repository
// around it. One build, one pack, one install; the three runtimes run as child processes of it.

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const test = suite<{ tmp?: { dir: string; remove(): void }; pkg?: InstalledPackage }>("installed package");

/** The user's program: a broker in a temporary directory, a topic, a produce, a fetch, /health. */
const userProgram = (specifier: string) => `import { Broker, serve } from ${JSON.stringify(specifier)};
import { RivuletClient } from ${JSON.stringify(`${specifier}/client`)};
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
const dir = mkdtempSync(join(tmpdir(), "rivulet-user-"));
const broker = await Broker.open({ dataDir: dir });
await broker.createTopic("greetings", { partitions: 3 });
const producer = broker.producer();
const ack = await producer.send("greetings", { key: "alice", value: "hello from " + (globalThis.Bun ? "bun" : globalThis.Deno ? "deno" : "node") });
const fetched = await broker.fetch("greetings", ack.partition, { offset: ack.offset });
const server = await serve(broker, { port: 0 });
const health = await fetch(new URL("/health", server.url)).then(async (r) => [r.status, await r.json()]);
const client = new RivuletClient({ url: server.url });
const [viaClient] = await client.produce("greetings", [{ key: "alice", value: "over http" }]);
await server.close();
await broker.close();
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ ack, value: new TextDecoder().decode(fetched.records[0].value), health, viaClient }));
`;

test.before(async (context) => {
  if (runtimeName !== "node") return;
  context.tmp = tempDir("rivulet-package-");
  context.pkg = await packAndInstall(context.tmp.dir);
  writeFileSync(join(context.pkg.app, "user.mjs"), userProgram("rivulet"));
  writeFileSync(join(context.pkg.app, "user-deno.mjs"), userProgram("npm:rivulet"));
});

test.after((context) => context.tmp?.remove());

/** This file drives every runtime itself from its Node run; under Bun and Deno it says so and passes. */
function drivenFromNode(name: string): boolean {
  if (runtimeName === "node") return true;
  console.log(`  (${name}: runs once, from the Node run of test/package.test.ts, which starts Node, Bun and Deno itself from one install)`);
  return false;
}

test("npm pack ships the built library, command, workers and types, and no TypeScript sources", ({ pkg }) => {
  if (!drivenFromNode("pack")) return;
  const files = new Set(pkg!.files);
  for (const file of ["package/package.json", "package/dist/mod.js", "package/dist/cli/bin.js", "package/dist/workers/partition-worker.js", "package/dist/types/mod.d.ts"]) {
    assert.ok(files.has(file), `${file} is packed`);
  }
  if (existsSync(join(root, "client", "mod.ts"))) assert.ok(files.has("package/dist/client/mod.js"), "rivulet/client is packed");
  const sources = [...files].filter((f) => /\.[cm]?ts$/.test(f) && !f.endsWith(".d.ts"));
  assert.equal(sources, [], "no .ts sources");
  assert.not.ok([...files].some((f) => f.startsWith("package/dist/bin/")), "the single executables stay out of the package");
  const manifest = JSON.parse(readFileSync(join(pkg!.app, "node_modules", "rivulet", "package.json"), "utf8"));
  for (const target of [manifest.bin.rivulet, manifest.exports["."].import, manifest.exports["."].types]) {
    assert.ok(files.has(`package/${target.replace(/^\.\//, "")}`), `${target} (named in package.json) is packed`);
  }
});

test("the built rivulet command is lazy: produce, consume and topics load no broker, server, Kafka listener or benchmark", ({ pkg }) => {
  if (!drivenFromNode("lazy command")) return;
  const heavy = /^(server|http|kafka|durable-streams|groups|broker|actors|storage|record|bench)\//;
  for (const entry of ["cli/bin.ts", "cli/commands/produce.ts", "cli/commands/consume.ts", "cli/commands/topics.ts"]) {
    const loaded = [...staticallyLoaded(pkg!.build, entry)].filter((input) => heavy.test(input));
    assert.equal(loaded, [], `${entry} loads only what it needs`);
  }
  const serve = staticallyLoaded(pkg!.build, "cli/commands/serve.ts");
  assert.ok(serve.has("groups/broker.ts"), "serve loads the broker itself");
  assert.not.ok([...serve].some((input) => input.startsWith("kafka/listener")), "the Kafka listener loads only with --kafka-port");
});

test("npm install --omit=dev brings only the runtime dependencies: no tsx, esbuild or TypeScript", ({ pkg }) => {
  if (!drivenFromNode("install")) return;
  for (const dev of ["tsx", "esbuild", "typescript", "uvu"]) {
    assert.not.ok(existsSync(join(pkg!.app, "node_modules", dev)), `${dev} is not installed`);
  }
  // piscina runs stream processors' pools (processors/runtime/processor-pool.ts).
  for (const dependency of ["hono", "@hono/node-server", "cbor-x", "comlink", "piscina"]) {
    assert.ok(existsSync(join(pkg!.app, "node_modules", dependency)), `${dependency} is installed`);
  }
});

test("the installed rivulet bin serves, creates a topic, produces, consumes and stops cleanly", async ({ pkg }) => {
  if (!drivenFromNode("bin")) return;
  const rivulet = join(pkg!.app, "node_modules", ".bin", "rivulet");
  const data = tempDir();
  const server = await startServing(rivulet, ["serve", "--port", "0", "--data-dir", data.dir], pkg!.app);
  try {
    const url = ["--url", server.url];
    const created = await run(rivulet, ["topics", "create", "events", "--partitions", "2", ...url], { cwd: pkg!.app });
    assert.is(created.code, 0, created.stderr);
    const produced = await run(rivulet, ["produce", "events", "--key", "k", ...url], { cwd: pkg!.app, stdin: 'one\n{"n":2}\nthree\n' });
    assert.is(produced.code, 0, produced.stderr);
    assert.match(produced.stderr, /produced 3 records to events/);
    const consumed = await run(rivulet, ["consume", "events", "--from-beginning", ...url], { cwd: pkg!.app });
    assert.is(consumed.code, 0, consumed.stderr);
    assert.equal(consumed.stdout.trim().split("\n"), ["one", '{"n":2}', "three"], "one key: one partition, in order");
    const bench = await run(rivulet, ["bench", "--quick"], { cwd: pkg!.app });
    assert.is(bench.code, 1);
    assert.match(bench.stderr, /checkout of the repository/);
  } finally {
    server.child.kill("SIGTERM");
    const code = await server.exited;
    data.remove();
    assert.is(code, 0, server.output());
  }
  assert.match(server.output(), /stopped, every log flushed/);
});

for (const runtime of ["node", "bun"] as const) {
  test(`import { Broker, serve } from "rivulet" and RivuletClient from "rivulet/client" work on ${runtime}: a topic, a produce, a fetch, /health, a produce over HTTP`, async ({ pkg }) => {
    if (!drivenFromNode(`${runtime} import`)) return;
    const result = await run(runtime === "node" ? process.execPath : bin("bun"), ["user.mjs"], { cwd: pkg!.app });
    assert.is(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    assert.equal(out.ack.offset, 0);
    assert.is(out.value, `hello from ${runtime}`);
    assert.equal(out.health, [200, { status: "ok" }]);
    assert.equal(out.viaClient, { partition: out.ack.partition, offset: 1 }, "rivulet/client produced over HTTP to the same key's partition");
  });
}

test(`import { Broker, serve } from "npm:rivulet" works on deno (package.json and node_modules beside it)`, async ({ pkg }) => {
  if (!drivenFromNode("deno import")) return;
  const result = await run(bin("deno"), ["run", "-A", "--no-lock", "user-deno.mjs"], { cwd: pkg!.app });
  assert.is(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
  assert.is(out.value, "hello from deno");
  assert.equal(out.health, [200, { status: "ok" }]);
  assert.equal(out.viaClient, { partition: out.ack.partition, offset: 1 }, "npm:rivulet/client produced over HTTP");
});

test("the installed types check a TypeScript user's program, and catch its mistakes", async ({ pkg }) => {
  if (!drivenFromNode("types")) return;
  writeFileSync(join(pkg!.app, "user.ts"), `import { Broker, RivuletError, type ProducerOptions } from "rivulet";
const broker: Broker = await Broker.open({ dataDir: "./data" });
const options: ProducerOptions = { idempotent: true };
const ack = await broker.producer(options).send("t", { key: "k", value: "v" });
const offset: number = ack.offset;
// @ts-expect-error dataDir is a string
await Broker.open({ dataDir: 1 });
// @ts-expect-error no such method
broker.nonsense();
export { offset, RivuletError };
`);
  writeFileSync(join(pkg!.app, "tsconfig.json"), JSON.stringify({
    compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: ["node"], typeRoots: [join(root, "node_modules", "@types")] },
    files: ["user.ts"],
  }));
  const result = await run(bin("tsc"), ["-p", "."], { cwd: pkg!.app });
  assert.is(result.code, 0, result.stdout + result.stderr);
});

test("deno.json is JSR-ready: deno publish --dry-run accepts the sources (names, exports, explicit public types)", async () => {
  if (!drivenFromNode("jsr")) return;
  const config = JSON.parse(readFileSync(join(root, "deno.json"), "utf8"));
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  assert.is(config.version, manifest.version, "one version for npm and JSR");
  assert.is(config.exports["."], "./mod.ts");
  const result = await run(bin("deno"), ["publish", "--dry-run", "--allow-dirty"], { cwd: root, env: { NO_COLOR: "1" } });
  assert.is(result.code, 0, result.stdout + result.stderr);
  assert.match((result.stdout + result.stderr).replace(/\x1b\[[0-9;]*m/g, ""), /Success Dry run complete/);
});

test.run();
