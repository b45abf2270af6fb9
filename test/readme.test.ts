import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { startServe } from "./support/cli-process.ts";
import { tempDir } from "./support/temp-dir.ts";

const test = suite("README");
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The quick start's shell block, joined into one command per line (backslash continuations). */
function quickStartCommands(): string[] {
  const section = readme.slice(readme.indexOf("## Quick start"));
  const block = section.slice(section.indexOf("```sh") + 5, section.indexOf("```", section.indexOf("```sh") + 5));
  return block.replace(/\\\n\s*/g, " ").split("\n").map((l) => l.trim()).filter((l) => l && !l.startsWith("#"));
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
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
    tmp.remove();
  }
});

test.run();
