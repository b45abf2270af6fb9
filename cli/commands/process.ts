import { parseArgs } from "node:util";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Broker } from "../../transactions/broker.ts";
import "../../processors/broker-processors.ts";
import { loadAuthFile } from "../../auth/auth-file.ts";
import { CliError } from "../cli-error.ts";
import { onShutdownSignal } from "../../runtime/shutdown-signals.ts";

export const processHelp = `rivulet process — run a stream-processing topology (a module whose default export is topology(appId, build))

Usage: rivulet process MODULE [options]

Runs the app embedded, on a broker over a local data directory (as rivulet serve does; not at
the same time as a server on that directory). Input topics must exist.

  --data-dir DIR           where logs, metadata and store snapshots live (default ./data)
  --workers N              pool worker threads running the tasks (default 2)
  --guarantee G            at-least-once (default) or exactly-once
  --commit-interval-ms N   how often input offsets are committed (default 100)
  --port N                 also serve the HTTP API (GET /v1/processors, store queries, /metrics)
  --host HOST              address the HTTP API binds (default 127.0.0.1)
  --auth-file FILE         principals for the HTTP API (see rivulet auth --help)
  --max-workers N          worker threads hosting partitions

Stops on SIGINT or SIGTERM: the current round finishes, offsets are committed, stores snapshotted.`;

/** `rivulet process MODULE`: runs an app until a signal, or until it fails (exit 1). */
export async function processCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "data-dir": { type: "string", default: "./data" },
      workers: { type: "string", default: "2" },
      guarantee: { type: "string", default: "at-least-once" },
      "commit-interval-ms": { type: "string" },
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      "auth-file": { type: "string" },
      "max-workers": { type: "string" },
    },
  });
  if (positionals.length !== 1) throw new CliError("name one topology module: rivulet process MODULE", 2);
  const modulePath = resolve(positionals[0]);
  if (!existsSync(modulePath)) throw new CliError(`module ${positionals[0]} does not exist`, 2);
  const workers = positiveInt(values.workers!, "--workers");
  const guarantee = values.guarantee;
  if (guarantee !== "at-least-once" && guarantee !== "exactly-once") throw new CliError("--guarantee takes at-least-once or exactly-once", 2);
  const commitIntervalMs = values["commit-interval-ms"] === undefined ? undefined : positiveInt(values["commit-interval-ms"], "--commit-interval-ms");
  const maxWorkers = values["max-workers"] === undefined ? undefined : positiveInt(values["max-workers"], "--max-workers");
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new CliError("--port takes a port number from 0 to 65535", 2);
  const auth = values["auth-file"] === undefined ? undefined : await loadAuthFile(values["auth-file"]).catch((error) => {
    throw new CliError(error instanceof TypeError ? error.message : `auth file ${values["auth-file"]}: cannot be read`, 2);
  });
  const dataDir = resolve(values["data-dir"]!);
  const broker = await Broker.open({ dataDir, maxWorkers });
  let server: { url: string; close(): Promise<void> } | undefined;
  try {
    const app = await broker.processors.start(pathToFileURL(modulePath), { workers, guarantee, commitIntervalMs });
    if (port !== undefined) {
      const { serve } = await import("../../server/serve.ts");
      server = await serve(broker, { host: values.host, port, auth });
      console.log(`rivulet: serving ${server.url}`);
    }
    console.log(`rivulet: app ${app.appId} running ${app.taskCount} tasks on ${workers} pool workers (data in ${dataDir})`);
    const outcome = await new Promise<"signal" | "stopped">((done) => {
      const off = onShutdownSignal((signal) => {
        console.log(`rivulet: ${signal}, stopping app ${app.appId}`);
        off();
        done("signal");
      });
      app.whenStopped().then(() => {
        off();
        done("stopped");
      });
    });
    await app.stop();
    const status = app.status();
    if (outcome === "stopped" && status.error) {
      console.error(`rivulet process: app ${app.appId} failed: ${status.error.code ?? "error"}: ${status.error.message}`);
      return 1;
    }
    console.log(`rivulet: app ${app.appId} stopped; offsets committed, stores snapshotted`);
    return 0;
  } finally {
    await server?.close();
    await broker.close();
  }
}

function positiveInt(raw: string, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} takes a positive integer`, 2);
  return n;
}
