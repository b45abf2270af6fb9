/**
 * Test support for the HTTP tests: a real broker on a temporary data directory (no mocks), and
 * small request helpers over `app.request()`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Broker, type BrokerOptions } from "../../../groups/broker.ts";
import type { Problem } from "../../../http/problem.ts";

/** Response shapes of the API, for typing test bodies. */
export interface FetchReply {
  records: Array<{ offset: number; timestamp: number; key?: string | null; key_b64?: string; value?: unknown; value_b64?: string; headers: Record<string, string | null> | Array<[string, unknown]>; topic?: string; partition?: number }>;
  next_offset: number;
  high_watermark: number;
  log_start_offset: number;
}
/** `{"offsets":[...]}` of produce. */
export interface ProduceReply {
  offsets: Array<{ partition: number; offset: number }>;
}
/** A topic description. */
export interface TopicReply {
  name: string;
  partitions: Array<{ partition: number; start_offset: number; end_offset: number; worker: number; status: string }>;
  config: Record<string, unknown>;
}

/** A broker on a fresh temp directory; `close()` stops it and removes the directory. */
export async function openTestBroker(options: Partial<BrokerOptions> = {}): Promise<{ broker: Broker; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), "rivulet-http-test-"));
  const broker = await Broker.open({ maxWorkers: 2, ...options, dataDir });
  return {
    broker,
    async close() {
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Anything with Hono's `request()`. */
export interface Requestable {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** A response with its body parsed (as JSON when the type says so). */
export interface Reply<T> {
  status: number;
  type: string;
  body: T;
  headers: Headers;
}

/** Sends a JSON body (or none) and returns status, content type and parsed body. */
export async function call<T = Problem>(app: Requestable, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply<T>> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" || body instanceof Uint8Array ? body as BodyInit : JSON.stringify(body);
    (init.headers as Record<string, string>)["content-type"] ??= "application/json";
  }
  const res = await app.request(path, init);
  const type = res.headers.get("content-type") ?? "";
  const text = await res.text();
  let parsed: unknown = text;
  if (type.includes("json") && text) parsed = JSON.parse(text);
  return { status: res.status, type, body: parsed as T, headers: res.headers };
}

/** Unique names per test, so tests in one file share a broker without colliding. */
let counter = 0;
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${counter++}`;
}
