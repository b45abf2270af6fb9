import { test } from "uvu";
import * as assert from "uvu/assert";
import * as comlink from "comlink";
import { MessageChannel } from "node:worker_threads";
import { comlinkEndpoint } from "./comlink-endpoint.ts";

test("comlinkEndpoint() carries comlink calls over a node:worker_threads MessageChannel", async () => {
  const { port1, port2 } = new MessageChannel();
  comlink.expose({ add: (a: number, b: number) => a + b }, comlinkEndpoint(port2));
  const remote = comlink.wrap<{ add(a: number, b: number): number }>(comlinkEndpoint(port1));
  assert.is(await remote.add(1, 2), 3);
  port1.close();
  port2.close();
});

test("comlinkEndpoint() removes listeners and throws DataCloneError for a detached buffer", async () => {
  const { port1, port2 } = new MessageChannel();
  const endpoint = comlinkEndpoint(port1);
  const seen: unknown[] = [];
  let arrived!: (data: unknown) => void;
  let next = new Promise<unknown>((resolve) => (arrived = resolve));
  const listener = (event: Event) => seen.push((event as MessageEvent).data);
  endpoint.addEventListener("message", listener);
  // A second listener straight on the port: the marker that a message was dispatched, so the
  // test waits for delivery itself rather than for a time.
  port1.on("message", (data: unknown) => arrived(data));
  port2.postMessage("one");
  assert.is(await next, "one");
  endpoint.removeEventListener("message", listener);
  next = new Promise<unknown>((resolve) => (arrived = resolve));
  port2.postMessage("two");
  assert.is(await next, "two");
  assert.equal(seen, ["one"]);
  const bytes = new Uint8Array(4);
  endpoint.postMessage(bytes, [bytes.buffer]);
  assert.throws(() => endpoint.postMessage(bytes, [bytes.buffer]), (e: Error) => e.name === "DataCloneError");
  endpoint.postMessage(new ArrayBuffer(0), [new ArrayBuffer(0)]); // empty but not detached
  port1.close();
  port2.close();
});

test.run();
