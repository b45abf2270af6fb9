import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseSse, type SseEvent } from "./sse.ts";

const encoder = new TextEncoder();

/** A body that delivers `bytes` in the given pieces. */
function body(bytes: Uint8Array, cuts: number[]): ReadableStream<Uint8Array> {
  const points = [0, ...cuts.filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b), bytes.length];
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i + 1 >= points.length) return controller.close();
      controller.enqueue(bytes.slice(points[i], points[i + 1]));
      i++;
    },
  });
}

async function events(text: string, cuts: number[] = []): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const event of parseSse(body(encoder.encode(text), cuts))) out.push(event);
  return out;
}

const sample = "\uFEFF: a comment\nid: 1\ndata: {\"a\":\"é😀\"}\n\nevent: problem\r\ndata: line one\r\ndata: line two\r\n\r\nid: 7\rdata\rretry: 250\r\rdata: trailing without a blank line";

test("parseSse() reads ids, events, multi-line data, comments, a BOM, and LF, CRLF or CR line ends", async () => {
  assert.equal(await events(sample), [
    { event: "message", data: "{\"a\":\"é😀\"}", id: "1" },
    { event: "problem", data: "line one\nline two", id: "1" },
    { event: "message", data: "", id: "7", retry: 250 },
  ]);
});

test("parseSse() gives the same events however the bytes are split (every single cut, and byte by byte)", async () => {
  const whole = await events(sample);
  const length = encoder.encode(sample).length;
  for (let cut = 1; cut < length; cut++) assert.equal(await events(sample, [cut]), whole, `cut at ${cut}`);
  assert.equal(await events(sample, Array.from({ length }, (_, i) => i)), whole);
});

test("parseSse() ignores an id holding NUL and a malformed retry; an empty data line is dispatched, a blank event is not", async () => {
  assert.equal(await events("id: 3\n\nid: a\0b\ndata: x\nretry: 1s\n\n\n\n"), [{ event: "message", data: "x", id: "3" }]);
});

test.run();
