import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { startServe } from "./support/cli-process.ts";
import { tempDir } from "./support/temp-dir.ts";
import { entryCommand, scriptCommand } from "../runtime/spawn-script.ts";
import { mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const test = suite("README");
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The first `lang` block after `heading`. */
function block(heading: string, lang: string): string {
  const section = readme.slice(readme.indexOf(heading));
  const start = section.indexOf("```" + lang + "\n") + lang.length + 4;
  return section.slice(start, section.indexOf("```", start));
}

/** A section's shell block, joined into one command per line (backslash continuations). */
function shellCommands(heading: string): string[] {
  return block(heading, "sh").replace(/\\\n\s*/g, " ").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
}

/** The quick start's shell block. */
function quickStartCommands(): string[] {
  return shellCommands("## Quick start");
}

/**
 * Runs `command` in its own process group; ends it (the whole group: sh may not exec curl, and
 * a surviving curl keeps stdout open) once its output matches `until`, or after `timeoutMs`.
 */
function sh(command: string, timeoutMs: number, until?: RegExp): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", command], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    const stop = () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        // already gone
      }
    };
    child.stdout.on("data", (d) => {
      stdout += d;
      if (until?.test(stdout)) stop();
    });
    const timer = setTimeout(stop, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

test("the README's quick start curl lines work exactly as written against rivulet serve", async () => {
  const commands = quickStartCommands();
  assert.ok(commands.length >= 5, "the quick start has its curl lines");
  if ((await sh("command -v curl", 15_000)).code !== 0) {
    console.log("README quick start: curl is missing here; the lines were not run");
    return;
  }
  for (const command of commands) assert.match(command, "localhost:8080/", "every line talks to the documented address");
  const tmp = tempDir();
  // On a free port, not 8080: another test run or program on this machine may hold 8080, and
  // the lines would then talk to it. Only the port of each line is changed.
  const server = await startServe(["--data-dir", tmp.dir]);
  const address = new URL(server.url).host;
  try {
    const outputs: string[] = [];
    for (const command of commands) {
      // The SSE line streams until stopped: it is stopped once both events came, not after a time.
      const streaming = command.includes("/stream");
      const r = await sh(command.replaceAll("localhost:8080/", `${address}/`), 15_000, streaming ? /id: 0[\s\S]*id: 1\n/ : undefined);
      if (!streaming) assert.is(r.code, 0, command);
      outputs.push(r.stdout);
    }
    assert.match(outputs[0], /"name":"payments"/);
    assert.match(outputs[1], /"offsets":\[\{"partition":1,"offset":0\},\{"partition":1,"offset":1\}\]/);
    assert.match(outputs[2], /"end_offset":2/);
    assert.match(outputs[3], /"amount":200/);
    assert.match(outputs[4], /id: 0[\s\S]*id: 1/);
    assert.match(outputs[5], /"member_id"/);
    // The web console section's address, on the same server: the page and the data behind it.
    const consoleUrl = /<(http:\/\/127\.0\.0\.1:8080\/console)>/.exec(readme.slice(readme.indexOf("## Web console")))![1];
    const page = await fetch(consoleUrl.replace("127.0.0.1:8080", address));
    assert.is(page.status, 200);
    assert.match(await page.text(), /<html/i);
    const overview = await (await fetch(`http://${address}/console/api/overview`)).json();
    assert.match(JSON.stringify(overview), /"payments"/, "the console sees the quick start's topic");
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
    tmp.remove();
  }
});

test("the README's quick start with auth works as written: tokens, rights and SASL on the Kafka port", async () => {
  const commands = shellCommands("### Quick start with auth");
  assert.is(commands.length, 5, "two writes, two refusals, one kcat read");
  if ((await sh("command -v curl", 15_000)).code !== 0) {
    console.log("README auth quick start: curl is missing here; the lines were not run");
    return;
  }
  const kcat = (await sh("command -v kcat", 15_000)).code === 0;
  if (!kcat) console.log("README auth quick start: kcat is missing here; its line is not run");
  const tmp = tempDir();
  const authFile = `${tmp.dir}/auth.json`;
  writeFileSync(authFile, block("### The auth file", "json"));
  const server = await startServe(["--data-dir", `${tmp.dir}/data`, "--auth-file", authFile, "--kafka-port", "0"]);
  const address = new URL(server.url).host;
  const kafkaPort = /Kafka protocol on \S+:(\d+)/.exec(server.output())![1];
  try {
    const outputs: string[] = [];
    for (const command of commands) {
      if (command.startsWith("kcat") && !kcat) continue;
      const r = await sh(command.replaceAll("localhost:8080/", `${address}/`).replaceAll("localhost:9092", `127.0.0.1:${kafkaPort}`), 30_000);
      assert.is(r.code, 0, command);
      outputs.push(r.stdout);
    }
    assert.match(outputs[0], /"name":"payments"/);
    assert.match(outputs[1], /"offsets":\[\{"partition":\d,"offset":0\}\]/);
    assert.match(outputs[2], /"code":"unauthorized"/);
    assert.match(outputs[3], /"code":"forbidden"/);
    if (kcat) assert.is(outputs[4].trim(), '{"amount":200}');
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
    tmp.remove();
  }
});

test("the README's three-broker quick start runs as written: dev-cluster, a replicated topic, describe, a produce", async () => {
  const commands = shellCommands("### Quick start: three brokers on one machine");
  assert.is(commands.length, 4, "dev-cluster, topics create, cluster describe, curl");
  const tools = await sh("command -v etcd && command -v curl", 15_000);
  if (tools.code !== 0) {
    console.log("README cluster quick start: etcd or curl is missing here; the lines were not run");
    return;
  }
  // The same commands on free ports (the README's 8081-8083 and 9081-9083 may be taken here),
  // with `rivulet` this checkout's command on this runtime.
  const base = 20_000 + Math.floor(Math.random() * 20_000);
  const { command, args } = entryCommand(fileURLToPath(new URL("../cli/rivulet.mjs", import.meta.url)));
  const rivulet = [command, ...args].map((a) => `'${a}'`).join(" ");
  const local = (line: string) =>
    line.replace(/^rivulet /, `${rivulet} `).replace(/\b(808|908)([1-3])\b/g, (_m, head: string, i: string) => String(base + (head === "908" ? 1000 : 0) + Number(i) - 1));
  const [start, ...rest] = commands;
  assert.match(start, /^rivulet dev-cluster --brokers 3 &/);
  const cluster = spawn("sh", ["-c", `exec ${local(start.replace(/\s*&.*$/, ""))} --base-port ${base}`], { stdio: ["ignore", "pipe", "pipe"], detached: true });
  let log = "";
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dev-cluster was not ready:\n${log}`)), 120_000);
    const onData = (d: Buffer) => {
      log += d;
      if (/ready/.test(log)) (clearTimeout(timer), resolve());
    };
    cluster.stdout.on("data", onData);
    cluster.stderr.on("data", onData);
    cluster.on("close", (code) => (clearTimeout(timer), reject(new Error(`dev-cluster exited with ${code}:\n${log}`))));
  });
  const stopped = new Promise<number | null>((resolve) => cluster.on("close", (code) => resolve(code)));
  try {
    await ready;
    const outputs: string[] = [];
    for (const line of rest) {
      const r = await sh(`${local(line)} 2>&1`, 60_000);
      assert.is(r.code, 0, `${line}\n${r.stdout}`);
      outputs.push(r.stdout);
    }
    assert.match(outputs[0], /created topic orders with 3 partitions/);
    assert.match(outputs[1], /controller \d/);
    assert.is(outputs[1].match(/online/g)?.length, 3, outputs[1]);
    for (const p of [0, 1, 2]) assert.match(outputs[1], new RegExp(`orders/${p}\\s+\\d\\s+\\d+\\s+\\d,\\d,\\d\\s+\\d,\\d,\\d`), `orders/${p}: 3 replicas, 3 in sync:\n${outputs[1]}\n${log}`);
    assert.match(outputs[2], /"offsets":\[\{"partition":\d,"offset":0\}\]/);
  } finally {
    try {
      process.kill(-cluster.pid!, "SIGTERM");
    } catch {
      // already gone
    }
    await stopped.catch(() => {});
  }
});

/** Every `lang` block of the section under `heading` (up to the next `## `). */
function blocks(heading: string, lang: string): string[] {
  const start = readme.indexOf(heading);
  const end = readme.indexOf("\n## ", start + heading.length);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return [...section.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
}

/** Runs `program` (TypeScript) as a module inside the checkout on this runtime; its stdout and exit code. */
function runProgram(name: string, program: string): Promise<{ code: number | null; stdout: string }> {
  const dir = fileURLToPath(new URL("../tmp/readme-programs/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  const file = `${dir}${name}-${process.pid}.ts`;
  writeFileSync(file, program);
  const { command, args } = scriptCommand(file);
  return sh([command, ...args].map((a) => `'${a}'`).join(" "), 120_000).finally(() => rmSync(file, { force: true }));
}

test("the README's stream-processing examples give the results their comments show", async () => {
  const programs = blocks("## Stream processing", "ts");
  assert.is(programs.length, 2, "word count and the per-minute aggregate");
  const streams = new URL("../processors/streams.ts", import.meta.url).href;
  for (const [i, program] of programs.entries()) {
    // `expr; // literal` lines become checks of expr against the literal.
    let checks = 0;
    const checked = program.replace(/^(\S.*?);\s*\/\/\s*(\[.*\]|\{.*\}|\d+)\s*$/gm, (_line, expr: string, literal: string) => {
      checks++;
      return `__check(${JSON.stringify(expr)}, ${expr}, ${literal});`;
    });
    assert.ok(checks >= 2, `example ${i + 1} states its results`);
    const source = checked.replace(`from "rivulet/streams"`, `from ${JSON.stringify(streams)}`) +
      `\nfunction __check(what: string, got: unknown, want: unknown) {\n  const a = JSON.stringify(got), b = JSON.stringify(want);\n  console.log(a === b ? "same: " + what : "DIFFERENT: " + what + " gave " + a + ", the README says " + b);\n}\n`;
    const r = await runProgram(`streams-${i + 1}`, source);
    assert.is(r.code, 0, r.stdout);
    assert.is(r.stdout.match(/^same: /gm)?.length, checks, r.stdout);
  }
});

test("the README's `rivulet process` lines run as written: topics, the app, a produce, a store query", async () => {
  const commands = shellCommands("**Running an app.**");
  assert.is(commands.length, 5, "two topics, the app, a produce, a query");
  if ((await sh("command -v curl", 15_000)).code !== 0) {
    console.log("README stream processing: curl is missing here; the lines were not run");
    return;
  }
  const tmp = tempDir();
  const { command, args } = entryCommand(fileURLToPath(new URL("../cli/rivulet.mjs", import.meta.url)));
  const rivulet = [command, ...args].map((a) => `'${a}'`).join(" ");
  // The module the README describes: the word-count topology of its first example, as the default export.
  const first = blocks("## Stream processing", "ts")[0];
  const topologySource = first.slice(0, first.indexOf("const driver")).replace(`from "rivulet/streams"`, `from ${JSON.stringify(new URL("../processors/streams.ts", import.meta.url).href)}`);
  const moduleDir = fileURLToPath(new URL("../tmp/readme-programs/", import.meta.url));
  mkdirSync(moduleDir, { recursive: true });
  const modulePath = `${moduleDir}word-count-${process.pid}.ts`;
  writeFileSync(modulePath, `${topologySource}\nexport default wordCount;\n`);
  const server = await startServe(["--data-dir", `${tmp.dir}/data`]);
  let app: ReturnType<typeof spawn> | null = null;
  try {
    for (const line of commands.slice(0, 2)) {
      const r = await sh(`${line.replace(/^rivulet /, `${rivulet} `).replace(/\s*#.*$/, "")} --url ${server.url}`, 60_000);
      assert.is(r.code, 0, `${line}\n${r.stdout}`);
    }
    server.child.kill("SIGTERM");
    await server.exited;
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const start = commands[2].replace(/\s*&$/, "").replace(/^rivulet /, `${rivulet} `).replace("./word-count.ts", modulePath).replace("--port 8080", `--port ${port}`);
    app = spawn("sh", ["-c", `exec ${start} --data-dir '${tmp.dir}/data'`], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    let log = "";
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the app did not start:\n${log}`)), 120_000);
      const onData = (d: Buffer) => {
        log += d;
        if (/app word-count running/.test(log) && /serving/.test(log)) (clearTimeout(timer), resolve());
      };
      app!.stdout!.on("data", onData);
      app!.stderr!.on("data", onData);
      app!.on("close", (code) => (clearTimeout(timer), reject(new Error(`the app exited with ${code}:\n${log}`))));
    });
    const local = (line: string) => line.replaceAll("localhost:8080", `127.0.0.1:${port}`).replace(/\s*#.*$/, "");
    const produced = await sh(local(commands[3]), 30_000);
    assert.match(produced.stdout, /"offsets":\[\{"partition":\d,"offset":0\}\]/);
    const expected = /#\s*(\{.*\})\s*$/.exec(commands[4])![1];
    // The app counts asynchronously: ask until its store holds the count (or the deadline).
    const deadline = Date.now() + 60_000;
    let answer = "";
    while (Date.now() < deadline) {
      answer = (await sh(local(commands[4]), 30_000)).stdout.trim();
      if (answer === expected) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.is(answer, expected);
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGTERM");
    if (app && app.exitCode === null) {
      try {
        process.kill(-app.pid!, "SIGTERM");
      } catch {
        // already gone
      }
      await new Promise((r) => app!.on("close", r));
    }
    rmSync(modulePath, { force: true });
    tmp.remove();
  }
});

test.run();
