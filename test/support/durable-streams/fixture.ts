/**
 * Test support for the Durable Streams tests: a real broker on a temporary data directory and
 * the protocol's app over it (no port: `app.request()`), which can be restarted on the same
 * directory, plus small request helpers.
 */
import type { Hono } from "hono";
import { Broker, type BrokerOptions } from "../../../groups/broker.ts";
import type { Clock } from "../../../core/clock.ts";
import type { Limits } from "../../../core/limits.ts";
import { createDurableStreamsApp, type StreamsEnv } from "../../../durable-streams/mod.ts";
import { tempDir } from "../temp-dir.ts";

/** Options of {@link openStreams}. */
export interface StreamsFixtureOptions {
  limits?: Partial<Limits>;
  clock?: Clock;
  broker?: Partial<BrokerOptions>;
}

/** A broker and the Durable Streams app over it. */
export interface StreamsFixture {
  broker: Broker;
  app: Hono<StreamsEnv>;
  dataDir: string;
  /** Sends a request to `/v1/stream/<name>`. */
  send(method: string, name: string, init?: { headers?: Record<string, string>; body?: BodyInit; query?: string }): Promise<Response>;
  /** Closes the broker (without a final snapshot flush) and opens broker and app again on the same directory. */
  restart(): Promise<void>;
  /** Stops everything and removes the directory. */
  close(): Promise<void>;
}

/**
 * Opens a broker on a fresh directory and the app over it.
 *
 * @param options limits, clock and broker options of every (re)start
 */
export async function openStreams(options: StreamsFixtureOptions = {}): Promise<StreamsFixture> {
  const dir = tempDir("rivulet-ds-test-");
  let shutdown = new AbortController();
  const open = async () => {
    shutdown = new AbortController();
    const broker = await Broker.open({ maxWorkers: 2, ...options.broker, dataDir: dir.dir });
    const app = createDurableStreamsApp(broker, { limits: options.limits, clock: options.clock, signal: shutdown.signal });
    return { broker, app };
  };
  const fixture: StreamsFixture = {
    ...(await open()),
    dataDir: dir.dir,
    send(method, name, init = {}) {
      const path = `/v1/stream/${name}${init.query ? `?${init.query}` : ""}`;
      return Promise.resolve(fixture.app.request(path, { method, headers: init.headers, body: init.body }));
    },
    async restart() {
      await fixture.broker.close();
      shutdown.abort();
      Object.assign(fixture, await open());
    },
    async close() {
      await fixture.broker.close();
      shutdown.abort();
      dir.remove();
    },
  };
  return fixture;
}

/** A name unique to this process. */
let counter = 0;
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${++counter}`;
}

/** Content-Type headers. */
export const TEXT = { "content-type": "text/plain" };
export const JSON_TYPE = { "content-type": "application/json" };

/** Producer headers. */
export function producer(id: string, epoch: number, seq: number): Record<string, string> {
  return { "producer-id": id, "producer-epoch": String(epoch), "producer-seq": String(seq) };
}

/** Reads a whole stream from the start with catch-up GETs, following Stream-Next-Offset. */
export async function readAll(fixture: StreamsFixture, name: string): Promise<{ text: string; requests: number; offsets: string[] }> {
  let offset = "-1";
  let text = "";
  const offsets: string[] = [];
  for (let requests = 1; ; requests++) {
    const res = await fixture.send("GET", name, { query: `offset=${offset}` });
    if (res.status !== 200) throw new Error(`GET ${name} at ${offset}: ${res.status}`);
    text += await res.text();
    offset = res.headers.get("stream-next-offset")!;
    offsets.push(offset);
    if (res.headers.get("stream-up-to-date") === "true") return { text, requests, offsets };
    if (requests > 10_000) throw new Error("no end");
  }
}
