/**
 * The `@kafkats/flow` side of the stream-processing comparison, as its own process (a flow app
 * is a separate service talking to the broker over the Kafka protocol): the same two
 * topologies as rivulet-stateless.ts and rivulet-windowed.ts, against Rivulet's Kafka listener.
 * Prints `{"event":"starting","at":MS}` just before `app.start()`, then `{"event":"started"}`;
 * any failure as `{"event":"error","message":…}`; SIGTERM closes the app.
 *
 *   node --import tsx bench/streams-compare/flow-app.ts KAFKA_PORT stateless|windowed
 *
 * `@kafkats/flow` is looked up as a package of this checkout, or else under the folder
 * `$RIVULET_BENCH_PEER_MODULES` (a prefix it was installed into: `npm install --prefix DIR
 * @kafkats/flow`).
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { compareTopics, keep, WINDOW_MS, type CompareKind } from "./topologies.ts";

const [port, kind] = process.argv.slice(2) as [string, CompareKind];
if (!port || (kind !== "stateless" && kind !== "windowed")) throw new TypeError("usage: flow-app.ts KAFKA_PORT stateless|windowed");

const say = (event: Record<string, unknown>) => process.stdout.write(JSON.stringify(event) + "\n");

/** Imports a peer package: from this checkout's node_modules, else from `$RIVULET_BENCH_PEER_MODULES`. */
async function importPeer(name: string): Promise<any> {
  try {
    return await import(name);
  } catch (error) {
    const dir = process.env.RIVULET_BENCH_PEER_MODULES;
    if (!dir) throw error;
    return await import(pathToFileURL(createRequire(join(dir, "package.json")).resolve(name)).href);
  }
}

try {
  const { flow, string, TimeWindows } = await importPeer("@kafkats/flow");
  const { input, output, appId } = compareTopics(kind, "flow");
  const app = flow({
    applicationId: appId,
    client: { brokers: [`127.0.0.1:${port}`], clientId: appId, logLevel: "error" },
    consumer: { autoOffsetReset: "earliest" },
  });
  const source = app.stream(input, { key: string(), value: string(), offsetReset: "earliest" });
  if (kind === "stateless") {
    source.filter((_key: string | null, value: string | null) => value !== null && keep(value))
      .mapValues((value: string | null) => String(value!.length))
      .to(output, { key: string(), value: string() });
  } else {
    source.groupByKey()
      .windowedBy(TimeWindows.of(WINDOW_MS))
      .count()
      .toStream()
      .map((windowed: { key: string; window: { start: number } } | null, count: number | null) => [`${windowed!.key}@${windowed!.window.start}`, String(count)])
      .to(output, { key: string(), value: string() });
  }
  process.on("SIGTERM", () => {
    void app.close().finally(() => process.exit(0));
  });
  say({ event: "starting", at: Date.now() });
  await app.start();
  say({ event: "started" });
} catch (error) {
  say({ event: "error", message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  process.exit(1);
}
