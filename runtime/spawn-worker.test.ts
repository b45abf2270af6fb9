import { test } from "uvu";
import * as assert from "uvu/assert";
import { writeFileSync } from "node:fs";
import process from "node:process";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Worker } from "node:worker_threads";
import { execFileSync } from "node:child_process";
import { tempDir } from "../test/support/temp-dir.ts";
import { runtimeName } from "./runtime-name.ts";
import { spawnWorker, withoutTsx } from "./spawn-worker.ts";

const fixture = new URL("../test/support/fixtures/own-url-worker.ts", import.meta.url);
const firstMessage = (worker: Worker): Promise<unknown> =>
  new Promise((resolve, reject) => {
    worker.once("message", resolve);
    worker.once("error", reject);
  });

test("spawnWorker() starts a TypeScript module and passes it workerData.data", async () => {
  const worker = await spawnWorker(fixture, { hello: [1, 2] });
  try {
    const message = (await firstMessage(worker)) as { data: unknown };
    assert.equal(message.data, { hello: [1, 2] });
  } finally {
    await worker.terminate();
  }
});

test("spawnWorker() keeps import.meta.url of every module the worker imports pointing at its source", async () => {
  const worker = await spawnWorker(fixture);
  try {
    const message = (await firstMessage(worker)) as { markerUrl: string; exists: boolean };
    assert.is(message.markerUrl, new URL("../test/support/fixtures/own-url/marker.txt", import.meta.url).href);
    assert.ok(message.exists, `${fileURLToPath(message.markerUrl)} is there`);
  } finally {
    await worker.terminate();
  }
});

test("spawnWorker() starts a JavaScript module, and a TypeScript one outside any node_modules tree", async () => {
  const tmp = tempDir();
  try {
    const body = `import { parentPort, workerData } from "node:worker_threads"; parentPort.postMessage(workerData.data);`;
    writeFileSync(join(tmp.dir, "plain.mjs"), body);
    writeFileSync(join(tmp.dir, "typed.ts"), body.replace("workerData.data", "(workerData as { data: string }).data"));
    for (const name of ["plain.mjs", "typed.ts"]) {
      const worker = await spawnWorker(pathToFileURL(join(tmp.dir, name)), name);
      try {
        assert.is(await firstMessage(worker), name);
      } finally {
        await worker.terminate();
      }
    }
  } finally {
    tmp.remove();
  }
});

test("spawnWorker() starts workers cheaply once the module is prepared", async () => {
  // CPU time of the whole process (the new thread's included), not the wall clock: a loaded
  // machine stretches the wall-clock start of a worker without it doing any more work.
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = process.cpuUsage();
    const worker = await spawnWorker(fixture);
    await firstMessage(worker);
    const used = process.cpuUsage(started);
    times.push((used.user + used.system) / 1000);
    await worker.terminate();
  }
  times.sort((a, b) => a - b);
  // tsx's loader cost 250-500 ms of CPU per worker.
  assert.ok(times[2] < 200, `median start ${times[2].toFixed(0)} ms of CPU (${times.map((t) => t.toFixed(0)).join(", ")})`);
});

test("withoutTsx() drops only tsx's loader flags from the options a bundled worker inherits", () => {
  const given = [
    "--import", "tsx", "--cpu-prof", "--import=tsx", "--require", "/r/node_modules/tsx/dist/preflight.cjs",
    "--import", "file:///r/node_modules/tsx/dist/loader.mjs", "--loader=tsx/esm", "--import", "./telemetry.mjs", "--max-old-space-size=512",
  ];
  assert.equal(withoutTsx(given), ["--cpu-prof", "--import", "./telemetry.mjs", "--max-old-space-size=512"]);
  assert.equal(withoutTsx(["--import", "./tsx-free.mjs", "--import"]), ["--import", "./tsx-free.mjs", "--import"]);
});

test("on Node, a worker starts under `--import tsx` together with V8 flags, which a worker's own options may not hold", () => {
  if (runtimeName !== "node") return; // Bun and Deno take no Node options
  const child = fileURLToPath(new URL("../test/support/fixtures/spawn-worker-child.ts", import.meta.url));
  const out = execFileSync(process.execPath, ["--max-old-space-size=300", "--stack-size=900", "--import", "tsx", child], { encoding: "utf8", timeout: 60_000 });
  const line = JSON.parse(out.split("\n").find((l) => l.startsWith("{"))!) as { message?: { data: unknown } };
  assert.equal(line.message?.data, { from: "child" });
});

test.run();
