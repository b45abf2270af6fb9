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
  const listener = (event: Event) => seen.push((event as MessageEvent).data);
  endpoint.addEventListener("message", listener);
  port2.postMessage("one");
  await new Promise((resolve) => setTimeout(resolve, 20));
  endpoint.removeEventListener("message", listener);
  port2.postMessage("two");
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(seen, ["one"]);
  const bytes = new Uint8Array(4);
  endpoint.postMessage(bytes, [bytes.buffer]);
  assert.throws(() => endpoint.postMessage(bytes, [bytes.buffer]), (e: Error) => e.name === "DataCloneError");
  endpoint.postMessage(new ArrayBuffer(0), [new ArrayBuffer(0)]); // empty but not detached
  port1.close();
  port2.close();
});

test.run();
