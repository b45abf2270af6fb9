import { suite } from "uvu";
import * as assert from "uvu/assert";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
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

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function sh(command: string, timeoutMs: number): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn("sh", ["-c", command], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    child.stdout.on("data", (d) => (stdout += d));
    // The whole process group: sh may not exec curl, and a surviving curl keeps stdout open.
    const timer = setTimeout(() => process.kill(-child.pid!, "SIGTERM"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout });
    });
  });
}

test("the README's quick start curl lines work exactly as written against rivulet serve", async () => {
  const commands = quickStartCommands();
  assert.ok(commands.length >= 5, "the quick start has its curl lines");
  if (!(await portFree(8080)) || (await sh("command -v curl", 2000)).code !== 0) {
    console.log("README quick start: port 8080 is taken or curl is missing here; the lines were not run");
    return;
  }
  const tmp = tempDir();
  const server = await startServe(["--data-dir", tmp.dir, "--port", "8080"]);
  try {
    const outputs: string[] = [];
    for (const command of commands) {
      // The SSE line streams until stopped: give it a second, then it is cut off.
      const streaming = command.includes("/stream");
      const r = await sh(command, streaming ? 1500 : 15_000);
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
