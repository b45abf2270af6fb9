import fc from "fast-check";
import process from "node:process";
import { concatBytes } from "../../test/support/bytes.ts";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isFlexible } from "./api-keys.ts";
import { apis, decodeRequestBody, type ImplementedApi } from "./apis.ts";
import { ProtocolDecodeError } from "./decode-error.ts";
import { decodeRequestHeader } from "./header.ts";
import { Reader } from "./reader.ts";
import { sampleBodies } from "../../test/support/kafka/protocol/samples.ts";

/**
 * Most CPU time a single decode may take: decoding is linear in the frame, so this is generous.
 * CPU time, not the wall clock: on a loaded machine a decode can wait off the CPU far longer
 * than this without doing any more work (a 200 ms wall-clock bound failed so on Deno).
 */
const decodeCpuMsMax = 200;

const codecs = (Object.keys(apis) as ImplementedApi[]).flatMap((api) => [...apis[api].versions.keys()].map((version) => ({ api, key: apis[api].apiKey, version })));

/** Array items and bytes in a decoded value: bounded by the frame's length times the nesting depth. */
function footprint(value: unknown, depth = 0): number {
  if (depth > 8) throw new Error("decoded value nests deeper than any Kafka message");
  if (value instanceof Uint8Array) return value.length;
  if (Array.isArray(value)) return value.reduce((n: number, item) => n + 1 + footprint(item, depth + 1), 0);
  if (value !== null && typeof value === "object") return Object.values(value).reduce((n: number, v) => n + footprint(v, depth + 1), 0);
  return 0;
}

/** Decodes and checks the outcome: a value within bounds, or a ProtocolDecodeError. */
function decodeChecked(key: number, version: number, frame: Uint8Array): "ok" | "rejected" {
  const started = process.cpuUsage();
  let outcome: "ok" | "rejected";
  try {
    const decoded = decodeRequestBody(key, version, new Reader(frame));
    assert.ok(decoded, `api ${key} v${version} is registered`);
    assert.ok(footprint(decoded.body) <= 4 * frame.length + 8, `footprint ${footprint(decoded.body)} for a ${frame.length}-byte frame`);
    outcome = "ok";
  } catch (error) {
    if (!(error instanceof ProtocolDecodeError)) throw new Error(`api ${key} v${version} threw ${String(error)} instead of a ProtocolDecodeError`);
    outcome = "rejected";
  }
  const used = process.cpuUsage(started);
  const ms = (used.user + used.system) / 1000;
  assert.ok(ms < decodeCpuMsMax, `api ${key} v${version} took ${ms} ms of CPU`);
  return outcome;
}

/** Byte tokens that steer decoders into deep paths: lengths, counts, -1, huge values, text. */
const token = fc.oneof(
  fc.uint8Array({ maxLength: 6 }),
  fc.constantFrom(
    [0x00, 0x00, 0x00, 0x01], [0x00, 0x00, 0x00, 0x02], [0x00, 0x00, 0x00, 0x00], [0xff, 0xff, 0xff, 0xff], [0x7f, 0xff, 0xff, 0xff],
    [0x80, 0x00, 0x00, 0x00], [0x00, 0x01], [0x00, 0x03], [0xff, 0xff], [0x7f, 0xff], [0x00, 0x01, 0x61], [0x00, 0x02, 0xc3, 0xbc], [0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05],
    // flexible versions: compact lengths/counts (N + 1) as unsigned varints, huge and overlong ones, tag sections
    [0x00], [0x01], [0x02], [0x03, 0x61, 0x62], [0x02, 0x61], [0xff, 0xff, 0xff, 0xff, 0x0f], [0x80, 0x80, 0x80, 0x80, 0x10], [0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
    [0x01, 0x00, 0x02, 0x61, 0x62], [0x01, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f],
  ).map((bytes) => new Uint8Array(bytes)),
);
const structured = fc.array(token, { maxLength: 40 }).map(concatBytes);

test("every decoder throws only ProtocolDecodeError on random bytes", () => {
  for (const { key, version } of codecs) {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (frame) => void decodeChecked(key, version, frame)), { numRuns: 150 });
  }
});

test("every decoder throws only ProtocolDecodeError on structured garbage (counts, -1, huge lengths)", () => {
  let accepted = 0;
  for (const { key, version } of codecs) {
    fc.assert(fc.property(structured, (frame) => {
      if (decodeChecked(key, version, frame) === "ok") accepted++;
    }), { numRuns: 150 });
  }
  assert.ok(accepted > 0, "some structured inputs decode, so the generator reaches past the first field");
});

test("every decoder rejects every truncation of a valid kafkajs request", async () => {
  const samples = await sampleBodies();
  assert.is(samples.length, codecs.length);
  for (const { api, version, body } of samples) {
    assert.is(decodeChecked(apis[api].apiKey, version, body), "ok", `${api} v${version} decodes the whole sample`);
    for (let length = 0; length < body.length; length++) {
      assert.is(decodeChecked(apis[api].apiKey, version, body.subarray(0, length)), "rejected", `${api} v${version} cut at ${length}/${body.length}`);
    }
  }
});

test("every decoder survives random byte changes to a valid kafkajs request", async () => {
  const samples = await sampleBodies();
  for (const { api, version, body } of samples) {
    if (body.length === 0) continue;
    const edits = fc.array(fc.tuple(fc.nat(body.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 });
    fc.assert(fc.property(edits, fc.nat(body.length), (changes, cut) => {
      const frame = body.slice();
      for (const [at, value] of changes) frame[at] = value;
      void decodeChecked(apis[api].apiKey, version, frame);
      void decodeChecked(apis[api].apiKey, version, frame.subarray(0, cut));
    }), { numRuns: 100 });
  }
});

test("decodeRequestHeader() throws only ProtocolDecodeError on random bytes", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (frame) => {
    try {
      const header = decodeRequestHeader(new Reader(frame));
      assert.type(header.apiKey, "number");
    } catch (error) {
      if (!(error instanceof ProtocolDecodeError)) throw error;
    }
  }), { numRuns: 2000 });
});

test("decoders refuse a 2^31-item array in a tiny frame without allocating it", () => {
  const frame = new Uint8Array([0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  const arrayFirst: ImplementedApi[] = ["Metadata", "DescribeGroups", "DeleteTopics", "CreateTopics"];
  for (const api of arrayFirst) {
    for (const version of apis[api].versions.keys()) assert.is(decodeChecked(apis[api].apiKey, version, frame), "rejected", `${api} v${version}`);
  }
});

const flexibleCodecs = codecs.filter(({ key, version }) => isFlexible(key, version));

test("flexible decoders meet huge varint counts and lengths at every field position without allocating them", () => {
  assert.ok(flexibleCodecs.length >= 20, `${flexibleCodecs.length} flexible versions`);
  const huge = [0xff, 0xff, 0xff, 0xff, 0x0f]; // 2^32 - 1: a compact count/length of 2^32 - 2
  const overlong = [0x80, 0x80, 0x80, 0x80, 0x80, 0x01]; // more than 32 bits
  let rejected = 0;
  let runs = 0;
  for (const { key, version } of flexibleCodecs) {
    for (let at = 0; at <= 12; at++) {
      for (const varint of [huge, overlong]) {
        // `at` bytes of 0x01 put the varint where a one-byte field, a count or a length would be
        const frame = new Uint8Array([...new Array<number>(at).fill(1), ...varint, 0, 0, 0]);
        runs++;
        if (decodeChecked(key, version, frame) === "rejected") rejected++;
      }
    }
  }
  assert.ok(rejected > runs / 2, `${rejected} of ${runs} frames rejected`);
});

test("flexible decoders skip unknown tagged fields and refuse a tag larger than the frame", () => {
  const heartbeat = (tags: number[]) => new Uint8Array([0x02, 0x67, 0, 0, 0, 2, 0x02, 0x6d, 0x00, ...tags]);
  const decoded = decodeRequestBody(12, 4, new Reader(heartbeat([0x02, 0x00, 0x01, 0xaa, 0x07, 0x02, 0xbb, 0xcc])));
  assert.equal(decoded?.body, { groupId: "g", generationId: 2, memberId: "m", groupInstanceId: null }, "two unknown tags (0 and 7) skipped");
  assert.is(decodeChecked(12, 4, heartbeat([0x01, 0x00, 0xff, 0xff, 0xff, 0xff, 0x0f])), "rejected", "a tag claiming 4 GiB");
  assert.is(decodeChecked(12, 4, heartbeat([0xff, 0xff, 0xff, 0xff, 0x0f])), "rejected", "2^32 - 1 tags");
});

test.run();
