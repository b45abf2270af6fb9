/**
 * The {@link FetchLike} of Node and Deno trusting given certificates: `node:https` over one keep-alive agent,
 * shaped as `fetch` is (Node's own `fetch` cannot be given a CA). What the brokers' calls use of
 * `fetch` is kept: request bodies as bytes or a stream, the answer's body streamed with
 * back-pressure (SSE passes through as it comes) and decoded as `fetch` decodes it
 * (gzip, deflate, br), redirects not followed, and `signal` aborting the request before the
 * answer and its body after. A request that cannot be sent fails with a `TypeError` whose
 * `cause` is the socket's error, as `fetch` does.
 */
import { Agent, request } from "node:https";
import type { IncomingMessage } from "node:http";
import { pipeline, Readable } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { FetchLike } from "./trusting-fetch.ts";

/** Answers that carry no body (the Fetch standard's null body statuses). */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch trusting `ca` (PEM certificates: the whole trust list, roots included).
 *
 * @param ca the certificates to trust
 * @returns the fetch; `http:` URLs go to the global `fetch`
 */
export function nodeTrustingFetch(ca: string[]): FetchLike {
  const agent = new Agent({ keepAlive: true, ca });
  return (url, init = {}) => {
    const target = new URL(url);
    return target.protocol === "https:" ? send(target, init, agent) : fetch(url, init);
  };
}

function send(url: URL, init: RequestInit, agent: Agent): Promise<Response> {
  return new Promise<Response>((resolve, reject) => {
    const signal = init.signal ?? null;
    if (signal?.aborted) return reject(signal.reason);
    const method = (init.method ?? "GET").toUpperCase();
    const req = request(url, { method, headers: Object.fromEntries(new Headers(init.headers)), agent });
    let answer: IncomingMessage | null = null;
    const abort = () => (answer ? answer.destroy(signal!.reason) : req.destroy(signal!.reason));
    const done = () => signal?.removeEventListener("abort", abort);
    signal?.addEventListener("abort", abort, { once: true });
    req.on("error", (error) => {
      if (answer) return; // the answer's body reports it
      done();
      reject(signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: error }));
    });
    req.once("response", (res) => {
      answer = res;
      res.once("close", done);
      const headers = new Headers();
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
      const status = res.statusCode ?? 0;
      const empty = method === "HEAD" || nullBodyStatuses.has(status);
      if (empty) res.on("error", () => {}).resume();
      resolve(new Response(empty ? null : webBody(decoded(res, headers.get("content-encoding"))), { status, statusText: res.statusMessage, headers }));
    });
    writeBody(req, init.body ?? null);
  });
}

/** Sends the request's body (bytes, text, a stream, or anything `Response` reads) and ends it. */
function writeBody(req: ReturnType<typeof request>, body: BodyInit | null): void {
  if (body === null) return void req.end();
  if (typeof body === "string" || body instanceof Uint8Array) return void req.end(body);
  if (body instanceof ReadableStream) return void pipeline(Readable.fromWeb(body as import("node:stream/web").ReadableStream), req, () => {});
  new Response(body).arrayBuffer().then((bytes) => req.end(new Uint8Array(bytes)), (error) => req.destroy(error));
}

/** The answer's body with its content coding undone, as `fetch` gives it. */
function decoded(res: IncomingMessage, coding: string | null): Readable {
  const decoder = coding === "gzip" || coding === "x-gzip" ? createGunzip() : coding === "deflate" ? createInflate() : coding === "br" ? createBrotliDecompress() : null;
  return decoder ? pipeline(res, decoder, () => {}) : res;
}

/** A node stream as a web stream that reads on demand; cancelling it closes the connection. */
function webBody(source: Readable): ReadableStream<Uint8Array> {
  let ended = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      const end = (error?: unknown) => {
        if (ended) return;
        ended = true;
        if (error === undefined) controller.close();
        else controller.error(error);
      };
      source.on("data", (chunk: Uint8Array) => {
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 0) <= 0) source.pause();
      });
      source.once("end", () => end());
      source.once("error", (error) => end(error));
      // closed before its end without an error of its own (the connection cut)
      source.once("close", () => end(new TypeError("terminated")));
    },
    pull() {
      source.resume();
    },
    cancel() {
      ended = true;
      source.destroy();
    },
  });
}
