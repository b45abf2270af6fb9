import { test } from "uvu";
import * as assert from "uvu/assert";
import { errorCode } from "../../test/support/error-code.ts";
import { JsonLines } from "./json-lines.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

test("JsonLines.push() yields the same messages wherever the chunks are cut", () => {
  const stream = bytes('{"result":{"a":1}}\n{"result":{"b":"ü"}}\n\n{"error":{"grpc_code":14}}\n');
  const expected = [{ result: { a: 1 } }, { result: { b: "ü" } }, { error: { grpc_code: 14 } }];
  for (let cut = 0; cut <= stream.length; cut++) {
    for (const step of [1, 3, 7]) {
      const lines = new JsonLines(1024);
      const out = [...lines.push(stream.subarray(0, cut))];
      for (let at = cut; at < stream.length; at += step) out.push(...lines.push(stream.subarray(at, at + step)));
      assert.equal(out, expected, `cut at ${cut}, step ${step}`);
      assert.is(lines.pendingBytes, 0);
    }
  }
});

test("JsonLines.push() holds an unfinished message and refuses one longer than its limit", async () => {
  const lines = new JsonLines(16);
  assert.equal(lines.push(bytes('{"a":')), []);
  assert.is(lines.pendingBytes, 5);
  assert.is(await errorCode(Promise.resolve().then(() => lines.push(bytes('"0123456789abc"'.repeat(2))))), "request_too_large");
});

test("JsonLines.push() turns a line that is not JSON into coordination_unavailable", async () => {
  const lines = new JsonLines(1024);
  assert.is(await errorCode(Promise.resolve().then(() => lines.push(bytes("<html>\n")))), "coordination_unavailable");
});

test.run();
