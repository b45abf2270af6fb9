// Golden bytes and a cross-check with a real Kafka client (kafkajs 2.2.4, CommonJS).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRequire } from "node:module";
import { decodeRecords, encodeRecordBatch, validateBatch, type BatchRecord } from "./record-batch.ts";
import { crc32c } from "./crc32c.ts";

const require = createRequire(import.meta.url);
const utf8 = (s: string) => new TextEncoder().encode(s);
const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");

// 1_700_000_000_000 ms = 0x0000018BCFE56800
const T = 1_700_000_000_000;
const records: BatchRecord[] = [
  { key: utf8("k"), value: utf8("v1"), headers: [["h", utf8("x")]], timestamp: T },
  { key: null, value: utf8("v2"), headers: [], timestamp: T + 5 },
];

// The batch written out field by field from the published RecordBatch v2 layout.
const golden = Uint8Array.from([
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, //  0 baseOffset int64 = 5
  0x00, 0x00, 0x00, 0x48, //                          8 batchLength int32 = 84 - 12 = 72
  0xff, 0xff, 0xff, 0xff, //                         12 partitionLeaderEpoch int32 = -1
  0x02, //                                           16 magic int8 = 2
  0x60, 0x1d, 0x12, 0x66, //                         17 crc uint32: CRC-32C of bytes 21..84
  0x00, 0x00, //                                     21 attributes int16: no codec, CreateTime
  0x00, 0x00, 0x00, 0x01, //                         23 lastOffsetDelta int32 = 1
  0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x00, // 27 baseTimestamp int64 = T
  0x00, 0x00, 0x01, 0x8b, 0xcf, 0xe5, 0x68, 0x05, // 35 maxTimestamp int64 = T + 5
  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // 43 producerId int64 = -1
  0xff, 0xff, //                                     51 producerEpoch int16 = -1
  0xff, 0xff, 0xff, 0xff, //                         53 baseSequence int32 = -1
  0x00, 0x00, 0x00, 0x02, //                         57 recordCount int32 = 2
  // record 0 (61)
  0x1a, //       length varint: zig-zag(13) = 26
  0x00, //       attributes int8
  0x00, //       timestampDelta varlong 0
  0x00, //       offsetDelta varint 0
  0x02, 0x6b, // key: length 1 (zig-zag 2), "k"
  0x04, 0x76, 0x31, // value: length 2, "v1"
  0x02, //       header count 1
  0x02, 0x68, // header name: length 1, "h"
  0x02, 0x78, // header value: length 1, "x"
  // record 1 (75)
  0x10, //       length varint: zig-zag(8) = 16
  0x00, //       attributes
  0x0a, //       timestampDelta varlong 5 (zig-zag 10)
  0x02, //       offsetDelta varint 1
  0x01, //       key: length -1 (null)
  0x04, 0x76, 0x32, // value: length 2, "v2"
  0x00, //       header count 0
]);

test("encodeRecordBatch() writes the hand-built RecordBatch v2 bytes exactly", () => {
  assert.is(golden.length, 84);
  assert.is(crc32c(golden, 21), 0x601d1266);
  assert.is(hex(encodeRecordBatch(records, { baseOffset: 5 })), hex(golden));
});

test("decodeRecords() reads the hand-built bytes", () => {
  assert.is(validateBatch(golden, 0, { maxBytes: 1000 }), 84);
  const decoded = decodeRecords(golden);
  assert.equal(decoded.map((r) => r.offset), [5, 6]);
  assert.equal(decoded.map((r) => r.timestamp), [T, T + 5]);
  assert.is(decoded[1].key, null);
  assert.equal(decoded[0].headers.map(([n, v]) => [n, hex(v!)]), [["h", "78"]]);
});

// kafkajs internals: the batch encoder, the record encoder, its decoder and its CRC-32C.
type KafkajsEncoder = { buffer: Uint8Array };
const { RecordBatch } = require("kafkajs/src/protocol/recordBatch/v0/index.js") as {
  RecordBatch: (options: Record<string, unknown>) => Promise<KafkajsEncoder>;
};
const KafkajsRecord = require("kafkajs/src/protocol/recordBatch/record/v0/index.js") as (options: Record<string, unknown>) => KafkajsEncoder;
const decodeKafkajsBatch = require("kafkajs/src/protocol/recordBatch/v0/decoder.js") as (decoder: unknown) => Promise<KafkajsBatch>;
const KafkajsDecoder = require("kafkajs/src/protocol/decoder.js") as new (buffer: Uint8Array) => unknown;
const kafkajsCrc32c = require("kafkajs/src/protocol/recordBatch/crc32C/index.js") as (buffer: Uint8Array) => number;
const Long = require("kafkajs/src/utils/long.js") as { fromValue(v: number | string): unknown };
const { Types: KafkajsCompression } = require("kafkajs/src/protocol/message/compression/index.js") as { Types: { None: number; GZIP: number } };

interface KafkajsRecord {
  offset: string;
  timestamp: string;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: Record<string, Uint8Array | Uint8Array[] | null>;
}
interface KafkajsBatch {
  firstOffset: string;
  lastOffsetDelta: number;
  maxTimestamp: string;
  records: KafkajsRecord[];
}

/** Records whose headers survive kafkajs's object form (unique names, in insertion order). */
function sampleRecords(): BatchRecord[] {
  const out: BatchRecord[] = [];
  for (let i = 0; i < 50; i++) {
    out.push({
      key: i % 4 === 0 ? null : utf8(`key-${i}`),
      value: i % 9 === 0 ? null : utf8(`value ${i} `.repeat(i % 7)),
      headers: i % 3 === 0 ? [["trace-id", utf8(`t${i}`)], ["ünï", utf8("ç")]] : [],
      timestamp: T + ((i * 37) % 11) - 5,
    });
  }
  return out;
}

async function kafkajsEncode(input: BatchRecord[], compression: number): Promise<Uint8Array> {
  const first = input[0].timestamp;
  const toBuffer = (b: Uint8Array | null) => (b === null ? null : Buffer.from(b));
  const encoded = input.map((r, i) => KafkajsRecord({
    offsetDelta: i,
    timestampDelta: r.timestamp - first,
    key: toBuffer(r.key),
    value: toBuffer(r.value),
    headers: Object.fromEntries(r.headers.map(([n, v]) => [n, toBuffer(v)])),
  }));
  const batch = await RecordBatch({
    compression,
    firstOffset: Long.fromValue(100),
    firstTimestamp: first,
    maxTimestamp: Math.max(...input.map((r) => r.timestamp)),
    partitionLeaderEpoch: -1,
    lastOffsetDelta: input.length - 1,
    producerId: Long.fromValue(-1),
    producerEpoch: -1,
    firstSequence: -1,
    records: encoded,
  });
  return new Uint8Array(batch.buffer);
}

const view = (b: Uint8Array | null) => (b === null ? null : hex(b));

for (const [name, codec] of [["uncompressed", KafkajsCompression.None], ["gzip", KafkajsCompression.GZIP]] as const) {
  test(`decodeRecords() reads kafkajs's ${name} RecordBatch`, async () => {
    const input = sampleRecords();
    const theirs = await kafkajsEncode(input, codec);
    assert.is(validateBatch(theirs, 0, { maxBytes: 1 << 20 }), theirs.length);
    const decoded = decodeRecords(theirs);
    assert.equal(decoded.map((r) => r.offset), input.map((_, i) => 100 + i));
    assert.equal(decoded.map((r) => r.timestamp), input.map((r) => r.timestamp));
    assert.equal(decoded.map((r) => [view(r.key), view(r.value)]), input.map((r) => [view(r.key), view(r.value)]));
    assert.equal(decoded.map((r) => r.headers.map(([n, v]) => [n, view(v)])), input.map((r) => r.headers.map(([n, v]) => [n, view(v)])));
    if (name === "uncompressed") {
      assert.is(hex(encodeRecordBatch(input, { baseOffset: 100 })), hex(theirs), "same bytes as kafkajs");
    }
  });

  test(`encodeRecordBatch() ${name} output is read by kafkajs's decoder with a matching CRC`, async () => {
    const input = sampleRecords();
    const ours = encodeRecordBatch(input, { baseOffset: 100, compression: name === "gzip" ? "gzip" : "none" });
    assert.is(kafkajsCrc32c(Buffer.from(ours.subarray(21))) >>> 0, new DataView(ours.buffer).getUint32(17));
    const batch = await decodeKafkajsBatch(new KafkajsDecoder(Buffer.from(ours)));
    assert.is(batch.firstOffset, "100");
    assert.is(batch.lastOffsetDelta, input.length - 1);
    assert.is(batch.records.length, input.length);
    batch.records.forEach((r, i) => {
      assert.is(r.offset, String(100 + i));
      assert.is(r.timestamp, String(input[i].timestamp));
      assert.is(view(r.key), view(input[i].key));
      assert.is(view(r.value), view(input[i].value));
      const headers = Object.entries(r.headers).map(([n, v]) => [n, view(v as Uint8Array | null)]);
      assert.equal(headers, input[i].headers.map(([n, v]) => [n, view(v)]));
    });
  });
}

test.run();
