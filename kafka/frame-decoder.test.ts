import fc from "fast-check";
import { concatBytes } from "../test/support/bytes.ts";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../core/errors.ts";
import { FrameDecoder } from "./frame-decoder.ts";
import { ProtocolDecodeError } from "./protocol/decode-error.ts";

function frame(...body: number[]): Uint8Array {
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setInt32(0, body.length);
  out.set(body, 4);
  return out;
}

const join = concatBytes;

test("FrameDecoder.push() returns a frame that arrives whole as a view of the read", () => {
  const decoder = new FrameDecoder(1024);
  const read = frame(1, 2, 3);
  const [only, ...rest] = decoder.push(read);
  assert.equal(Array.from(only!), [1, 2, 3]);
  assert.is(rest.length, 0);
  assert.is(only!.buffer, read.buffer, "no copy");
  assert.is(decoder.bufferedBytes, 0);
});

test("FrameDecoder.push() splits coalesced frames", () => {
  const decoder = new FrameDecoder(1024);
  const frames = decoder.push(join([frame(1), frame(), frame(2, 3), frame(4, 5, 6).subarray(0, 5)]));
  assert.equal(frames.map((f) => Array.from(f)), [[1], [], [2, 3]]);
  assert.is(decoder.bufferedBytes, 5);
  assert.equal(decoder.push(new Uint8Array([5, 6])).map((f) => Array.from(f)), [[4, 5, 6]]);
});

test("FrameDecoder.push() joins a frame fed one byte at a time, size prefix included", () => {
  const decoder = new FrameDecoder(1024);
  const bytes = join([frame(9, 8, 7, 6, 5), frame(1)]);
  const out: number[][] = [];
  for (const b of bytes) out.push(...decoder.push(new Uint8Array([b])).map((f) => Array.from(f)));
  assert.equal(out, [[9, 8, 7, 6, 5], [1]]);
});

test("FrameDecoder.push() throws request_too_large for a size above the limit, before the body arrives", () => {
  const decoder = new FrameDecoder(100);
  assert.equal(decoder.push(frame(...new Array(100).fill(0))).length, 1);
  const big = new Uint8Array([0, 0, 0, 101]);
  try {
    decoder.push(big);
    assert.unreachable("expected request_too_large");
  } catch (error) {
    assert.ok(isRivuletError(error, "request_too_large"), String(error));
  }
});

test("FrameDecoder.push() throws ProtocolDecodeError for a negative size", () => {
  assert.throws(() => new FrameDecoder(100).push(new Uint8Array([0xff, 0xff, 0xff, 0xfe, 1])), (e: unknown) => e instanceof ProtocolDecodeError);
});

test("FrameDecoder.push() yields the same frames however the stream is split", () => {
  const body = fc.uint8Array({ maxLength: 40 });
  fc.assert(fc.property(fc.array(body, { maxLength: 8 }), fc.array(fc.nat(60), { maxLength: 10 }), (bodies, cuts) => {
    const stream = join(bodies.map((b) => frame(...b)));
    const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
    const decoder = new FrameDecoder(1024);
    const got: number[][] = [];
    let from = 0;
    for (const at of [...points, stream.length]) {
      got.push(...decoder.push(stream.subarray(from, at)).map((f) => Array.from(f)));
      from = at;
    }
    assert.equal(got, bodies.map((b) => Array.from(b)));
    assert.is(decoder.bufferedBytes, 0);
  }), { numRuns: 300 });
});

test.run();
