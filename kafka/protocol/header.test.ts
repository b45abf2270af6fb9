import { test } from "uvu";
import * as assert from "uvu/assert";
import { ProtocolDecodeError } from "./decode-error.ts";
import { decodeRequestHeader, decodeResponseHeader, encodeRequestHeader, encodeResponseHeader, requestHeaderVersion, responseHeaderVersion } from "./header.ts";
import { Reader } from "./reader.ts";
import { hex, unhex } from "../../test/support/kafka/protocol/codec.ts";
import { kafkajsFrame } from "../../test/support/kafka/protocol/kafkajs.ts";
import { Writer } from "./writer.ts";

test("decodeRequestHeader() reads a v1 header (hex fixture)", () => {
  // ApiVersions v2, correlation 7, client "kcat"
  const reader = new Reader(unhex("0012 0002 00000007 0004 6b636174"));
  assert.equal(decodeRequestHeader(reader), { apiKey: 18, apiVersion: 2, correlationId: 7, clientId: "kcat", headerVersion: 1 });
  assert.is(reader.remaining, 0);
});

test("decodeRequestHeader() reads a null client id", () => {
  const reader = new Reader(unhex("0003 0006 7fffffff ffff"));
  assert.equal(decodeRequestHeader(reader), { apiKey: 3, apiVersion: 6, correlationId: 2147483647, clientId: null, headerVersion: 1 });
});

test("decodeRequestHeader() reads a v2 header and skips its tagged fields (hex fixture)", () => {
  // ApiVersions v3 (flexible) as librdkafka sends it: header, one tagged field, then the body
  const reader = new Reader(unhex("0012 0003 00000001 0007 72646b61666b61 01 05 02 abcd  0c 6c69627264"));
  assert.equal(decodeRequestHeader(reader), { apiKey: 18, apiVersion: 3, correlationId: 1, clientId: "rdkafka", headerVersion: 2 });
  assert.is(hex(reader.rawView(reader.remaining)), "0c6c69627264");
});

test("decodeRequestHeader() throws ProtocolDecodeError on a truncated header", () => {
  for (const text of ["", "0012", "0012 0002 0000", "0012 0002 00000007 0004 6b63", "0012 0003 00000001 ffff"]) {
    assert.throws(() => decodeRequestHeader(new Reader(unhex(text))), (e: unknown) => e instanceof ProtocolDecodeError, text);
  }
});

test("decodeRequestHeader() reads the header of kafkajs's own frame", async () => {
  const frame = await kafkajsFrame("metadata", 6, { topics: ["orders"], allowAutoTopicCreation: false }, 42, "my-app");
  const reader = new Reader(frame);
  assert.is(reader.int32(), frame.length - 4, "size prefix excludes itself");
  assert.equal(decodeRequestHeader(reader), { apiKey: 3, apiVersion: 6, correlationId: 42, clientId: "my-app", headerVersion: 1 });
  assert.is(hex(reader.rawView(reader.remaining)), "00000001" + "00066f7264657273" + "00");
});

test("requestHeaderVersion() and responseHeaderVersion() follow flexible versions", () => {
  assert.is(requestHeaderVersion(3, 8), 1);
  assert.is(requestHeaderVersion(3, 9), 2);
  assert.is(requestHeaderVersion(1, 11), 1);
  assert.is(requestHeaderVersion(1, 12), 2);
  assert.is(requestHeaderVersion(18, 3), 2);
  assert.is(requestHeaderVersion(999, 50), 1, "unknown apis are read as non-flexible");
  assert.is(requestHeaderVersion(32, 3), 1, "DescribeConfigs v3");
  assert.is(requestHeaderVersion(32, 4), 2, "DescribeConfigs v4");
  assert.is(requestHeaderVersion(37, 1), 1, "CreatePartitions v1");
  assert.is(requestHeaderVersion(37, 2), 2, "CreatePartitions v2");
  assert.is(responseHeaderVersion(37, 2), 1);
  assert.is(responseHeaderVersion(3, 9), 1);
  assert.is(responseHeaderVersion(3, 6), 0);
  assert.is(responseHeaderVersion(18, 3), 0, "ApiVersions replies always use header v0");
});

test("encodeResponseHeader() writes v0 and v1 headers (hex fixture)", () => {
  const w = new Writer();
  encodeResponseHeader(w, 7, 3, 6);
  encodeResponseHeader(w, 8, 3, 9);
  encodeResponseHeader(w, 9, 18, 3);
  assert.is(hex(w.toBytes()), "00000007" + "0000000800" + "00000009");
  const r = new Reader(w.toBytes());
  assert.equal(decodeResponseHeader(r, 3, 6), { correlationId: 7 });
  assert.equal(decodeResponseHeader(r, 3, 9), { correlationId: 8 });
  assert.equal(decodeResponseHeader(r, 18, 3), { correlationId: 9 });
  assert.is(r.remaining, 0);
});

test("encodeRequestHeader() writes what decodeRequestHeader() reads", () => {
  const w = new Writer();
  encodeRequestHeader(w, { apiKey: 1, apiVersion: 12, correlationId: -5, clientId: "ü" });
  encodeRequestHeader(w, { apiKey: 1, apiVersion: 11, correlationId: 6, clientId: null });
  assert.is(hex(w.toBytes()), "0001000cfffffffb0002c3bc00" + "0001000b00000006ffff");
  const r = new Reader(w.toBytes());
  assert.is(decodeRequestHeader(r).headerVersion, 2);
  assert.is(decodeRequestHeader(r).clientId, null);
});

test.run();
