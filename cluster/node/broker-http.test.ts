import { test } from "uvu";
import * as assert from "uvu/assert";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isRivuletError } from "../../core/errors.ts";
import { callBroker } from "./broker-http.ts";

/** A broker that takes requests and never answers (as one busy or paused would), until closed. */
async function silentBroker(): Promise<{ port: number; arrived: Promise<void>; close(): Promise<void> }> {
  const held: ServerResponse[] = [];
  let arrive!: () => void;
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    held.push(res);
    arrive();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    arrived,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of held) res.destroy();
        server.close(() => resolve());
      }),
  };
}

test("a call its caller gives up (client gone, server shutting down) fails with the typed, retriable-by-the-client `closed`, not the runtime's AbortError", async () => {
  const broker = await silentBroker();
  try {
    const caller = new AbortController();
    const call = callBroker({ id: 2, host: "127.0.0.1", port: broker.port, kafka_port: null, status: "online" }, {
      protocol: "http:", from: 1, method: "POST", path: "/v1/topics/t/partitions/0/batches", accept: "application/json",
      contentType: "application/octet-stream", body: new Uint8Array([1, 2, 3]), timeoutMs: 60_000, signal: caller.signal,
    });
    const failure = call.then(() => null, (error: unknown) => error);
    await broker.arrived;
    caller.abort();
    const error = await failure;
    assert.ok(isRivuletError(error, "closed"), `got ${String(error)}`);
  } finally {
    await broker.close();
  }
});

test("a call the other broker does not answer in time is `partition_unavailable` (retriable)", async () => {
  const broker = await silentBroker();
  try {
    const error = await callBroker({ id: 2, host: "127.0.0.1", port: broker.port, kafka_port: null, status: "online" }, {
      protocol: "http:", from: 1, method: "GET", path: "/v1/topics/t", accept: "application/json", timeoutMs: 200,
    }).then(() => null, (e: unknown) => e);
    assert.ok(isRivuletError(error, "partition_unavailable"), `got ${String(error)}`);
    assert.ok(error.retriable);
  } finally {
    await broker.close();
  }
});

test.run();
