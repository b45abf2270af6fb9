import { test } from "uvu";
import * as assert from "uvu/assert";
import { readRequestBody } from "./request-body.ts";
import { errorCode as code } from "../test/support/error-code.ts";

function chunkedRequest(chunks: number, chunkBytes: number): { request: Request; pulled: () => number } {
  let sent = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= chunks) return controller.close();
      sent++;
      controller.enqueue(new Uint8Array(chunkBytes).fill(32));
    },
  }, { highWaterMark: 0 });
  const request = new Request("http://x/", { method: "POST", body: stream, duplex: "half" } as RequestInit);
  return { request, pulled: () => sent };
}

test("readRequestBody() returns the whole body within the limit", async () => {
  const bytes = await readRequestBody(new Request("http://x/", { method: "POST", body: "hello" }), 5);
  assert.is(new TextDecoder().decode(bytes), "hello");
  const { request } = chunkedRequest(4, 100);
  assert.is((await readRequestBody(request, 400)).byteLength, 400);
});

test("readRequestBody() refuses a declared Content-Length past the limit without reading", async () => {
  const { request, pulled } = chunkedRequest(100, 1000);
  const headers = new Headers({ "content-length": "100000" });
  const declared = new Request(request, { headers });
  assert.is(await code(readRequestBody(declared, 1000)), "request_too_large");
  assert.ok(pulled() <= 2, `pulled ${pulled()} chunks`);
});

test("readRequestBody() stops a chunked body at the first chunk past the limit", async () => {
  const { request, pulled } = chunkedRequest(1000, 1000);
  assert.is(await code(readRequestBody(request, 10_500)), "request_too_large");
  assert.ok(pulled() <= 12, `pulled ${pulled()} chunks of 1000 bytes for a 10500-byte limit`);
});

test("readRequestBody() turns a body that fails mid-stream into invalid_request", async () => {
  let pulls = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(new Uint8Array(10));
      else controller.error(new Error("connection reset"));
    },
  });
  const request = new Request("http://x/", { method: "POST", body: stream, duplex: "half" } as RequestInit);
  assert.is(await code(readRequestBody(request, 1000)), "invalid_request");
});

test("readRequestBody() takes a body with a declared Content-Length whole, still refusing more than the limit and a body that fails", async () => {
  const declared = (request: Request, length: number) => new Request(request, { headers: new Headers({ "content-length": String(length) }) });
  const exact = chunkedRequest(4, 250);
  assert.is((await readRequestBody(declared(exact.request, 1000), 1000)).byteLength, 1000);
  const understated = chunkedRequest(3, 1000);
  assert.is(await code(readRequestBody(declared(understated.request, 10), 1000)), "request_too_large");
  let pulls = 0;
  const failing = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(new Uint8Array(10));
      else controller.error(new Error("connection reset"));
    },
  });
  const request = new Request("http://x/", { method: "POST", body: failing, duplex: "half" } as RequestInit);
  assert.is(await code(readRequestBody(declared(request, 100), 1000)), "invalid_request");
});

test("readRequestBody() refuses a malformed Content-Length", async () => {
  const request = new Request("http://x/", { method: "POST", body: "x", headers: { "content-length": "1e3" } });
  assert.is(await code(readRequestBody(request, 10)), "invalid_request");
});

test.run();
