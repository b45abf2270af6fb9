import { test } from "uvu";
import * as assert from "uvu/assert";
import { serveFetch, type FetchHandler, type RunningServer } from "./serve.ts";
import { trustingFetch } from "./trusting-fetch.ts";
import { selfSignedCert } from "../test/support/tls.ts";

const tls = selfSignedCert();
if (!tls) console.log("  skipped: openssl is missing (no certificate for the HTTPS server)");

let handle: FetchHandler = () => new Response("unset", { status: 500 });
let server: RunningServer;
let base = "";

test.before(async () => {
  if (!tls) return;
  server = await serveFetch({ fetch: (request, connection) => handle(request, connection), hostname: "127.0.0.1", port: 0, tls, maxRequestBodyBytes: 1 << 20, idleTimeoutMs: 60_000 });
  base = `https://127.0.0.1:${server.port}`;
});

test.after(async () => {
  await server?.shutdown(0);
});

/** A promise and its resolver. */
function signal(): { promise: Promise<void>; resolve(): void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

if (tls) {
  test("trustingFetch() reaches an HTTPS server with the self-signed certificate the global fetch refuses", async () => {
    handle = () => new Response("hello", { status: 201, headers: { "content-type": "text/plain", "x-answer": "42" } });
    const refused = await fetch(`${base}/`).then(() => "answered", (error: Error) => error.name);
    assert.is(refused, "TypeError", "the global fetch does not trust the certificate");
    const answer = await trustingFetch(tls.cert)(`${base}/`);
    assert.is(answer.status, 201);
    assert.is(answer.headers.get("x-answer"), "42");
    assert.is(await answer.text(), "hello");
  });

  test("trustingFetch() refuses a server whose certificate is not the trusted one", async () => {
    const other = selfSignedCert()!;
    const refused = await trustingFetch(other.cert)(`${base}/`).then(() => "answered", (error: Error) => error.name);
    assert.is(refused, "TypeError");
  });

  test("trustingFetch() sends a streamed request body, with its method and headers", async () => {
    handle = async (request) => new Response(`${request.method} ${request.headers.get("x-from")} ${await request.text()}`);
    const chunks = ["one ", "two ", "three"];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const answer = await trustingFetch(tls.cert)(`${base}/echo`, { method: "POST", headers: { "x-from": "broker-2" }, body, duplex: "half" } as RequestInit);
    assert.is(await answer.text(), "POST broker-2 one two three");
    const bytes = await trustingFetch(tls.cert)(`${base}/echo`, { method: "PUT", headers: { "x-from": "b" }, body: new TextEncoder().encode("bytes") });
    assert.is(await bytes.text(), "PUT b bytes");
  });

  test("trustingFetch() streams the answer's body as it comes (an SSE stream is read before it ends)", async () => {
    const firstRead = signal();
    handle = () => new Response(new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode("data: first\n\n"));
        await firstRead.promise;
        controller.enqueue(new TextEncoder().encode("data: second\n\n"));
        controller.close();
      },
    }), { headers: { "content-type": "text/event-stream" } });
    const answer = await trustingFetch(tls.cert)(`${base}/stream`);
    const reader = answer.body!.getReader();
    let text = "";
    while (!text.includes("first\n\n")) text += new TextDecoder().decode((await reader.read()).value);
    assert.is(text, "data: first\n\n", "the first event comes while the server holds the second");
    firstRead.resolve();
    for (let part = await reader.read(); !part.done; part = await reader.read()) text += new TextDecoder().decode(part.value);
    assert.is(text, "data: first\n\ndata: second\n\n");
  });

  test("trustingFetch() given up by its signal: the answer's body ends with the signal's reason and the server sees the client go", async () => {
    const gone = signal();
    handle = (request) => {
      request.signal.addEventListener("abort", () => gone.resolve());
      return new Response(new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(": open\n\n"));
        },
        cancel() {
          gone.resolve();
        },
      }), { headers: { "content-type": "text/event-stream" } });
    };
    const controller = new AbortController();
    const answer = await trustingFetch(tls.cert)(`${base}/forever`, { signal: controller.signal });
    const reader = answer.body!.getReader();
    assert.is(new TextDecoder().decode((await reader.read()).value), ": open\n\n");
    const pending = reader.read();
    controller.abort();
    const ended = await pending.then(() => "read", (error: Error) => error.name);
    assert.is(ended, "AbortError");
    await gone.promise;
  });

  test("trustingFetch() given up before the answer rejects with the signal's reason", async () => {
    const asked = signal();
    // answers only once the client is gone, so the server can shut down
    handle = (request) => {
      asked.resolve();
      return new Promise<Response>((resolve) => request.signal.addEventListener("abort", () => resolve(new Response("late"))));
    };
    const controller = new AbortController();
    const answer = trustingFetch(tls.cert)(`${base}/never`, { signal: controller.signal });
    await asked.promise;
    controller.abort();
    assert.is(await answer.then(() => "answered", (error: Error) => error.name), "AbortError");
    const early = await trustingFetch(tls.cert)(`${base}/`, { signal: AbortSignal.abort() }).then(() => "answered", (error: Error) => error.name);
    assert.is(early, "AbortError");
  });

  test("trustingFetch() fetches http: URLs as the global fetch does", async () => {
    const plain = await serveFetch({ fetch: () => new Response("plain"), hostname: "127.0.0.1", port: 0, maxRequestBodyBytes: 1 << 20, idleTimeoutMs: 60_000 });
    try {
      assert.is(await (await trustingFetch(tls.cert)(`http://127.0.0.1:${plain.port}/`)).text(), "plain");
    } finally {
      await plain.shutdown(0);
    }
  });
}

test.run();
