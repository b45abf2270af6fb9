import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { checkJsonBytes, jsonDepthMax, JsonBytes } from "./json-bytes-check.ts";

const utf8 = new TextEncoder();
const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function reference(bytes: Uint8Array): boolean {
  try {
    JSON.parse(fatal.decode(bytes));
    return true;
  } catch {
    return false;
  }
}

function agrees(bytes: Uint8Array): void {
  const got = checkJsonBytes(bytes);
  const valid = reference(bytes);
  assert.is(got !== JsonBytes.Invalid, valid, `${JSON.stringify(Array.from(bytes).slice(0, 40))} → ${got}`);
  if (got === JsonBytes.OneLine) assert.not.ok(bytes.includes(10) || bytes.includes(13));
}

test("checkJsonBytes() accepts JSON texts and tells one-line from multi-line", () => {
  for (const text of ["0", "-0.5e+3", `"a\\u00e9\\n"`, "true", "null", "[]", "{}", `{"a":[1,{"b":null}],"c":"é😀"}`, " [ 1 , 2 ] ", `"\\ud800"`]) {
    assert.is(checkJsonBytes(utf8.encode(text)), JsonBytes.OneLine, text);
  }
  assert.is(checkJsonBytes(utf8.encode(`{\n "a": 1\r\n}`)), JsonBytes.MultiLine);
});

test("checkJsonBytes() refuses what JSON.parse refuses", () => {
  for (const text of ["", " ", "01", "1.", ".5", "+1", "1e", "-", "tru", "nul", `"a`, `"\\x"`, `"\\u12g4"`, "[1,]", "{,}", `{"a"}`, `{"a":}`, `{"a":1,}`, "[1 2]", "1 2", "{}{}", `{1:2}`, "\u00a0", "NaN", `"tab\there"`]) {
    assert.is(checkJsonBytes(utf8.encode(text)), JsonBytes.Invalid, JSON.stringify(text));
  }
  for (const bytes of [[0x22, 0xff, 0x22], [0x22, 0xc0, 0xaf, 0x22], [0x22, 0xed, 0xa0, 0x80, 0x22], [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], [0xef, 0xbb, 0xbf, 0x31], [0x22, 0xe2, 0x82, 0x22]]) {
    assert.is(checkJsonBytes(new Uint8Array(bytes)), JsonBytes.Invalid, String(bytes));
  }
});

test("checkJsonBytes() leaves texts deeper than jsonDepthMax undecided", () => {
  const deep = "[".repeat(jsonDepthMax + 1) + "]".repeat(jsonDepthMax + 1);
  assert.is(checkJsonBytes(utf8.encode(deep)), JsonBytes.Undecided);
  const ok = "[".repeat(jsonDepthMax) + "]".repeat(jsonDepthMax);
  assert.is(checkJsonBytes(utf8.encode(ok)), JsonBytes.OneLine);
});

test("checkJsonBytes() agrees with JSON.parse on random JSON, mutated JSON and random bytes", () => {
  const json = fc.json({ maxDepth: 4 }).map((text) => utf8.encode(text));
  const mutated = fc.tuple(json, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([bytes, at, byte]) => {
    const copy = new Uint8Array(bytes);
    if (copy.length > 0) copy[at % copy.length] = byte;
    return copy;
  });
  const spaced = fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(undefined, 1, "\t", "\n ")).map(([v, indent]) => utf8.encode(JSON.stringify(v, null, indent)));
  const bytes = fc.uint8Array({ maxLength: 24 });
  const text = fc.string({ unit: "binary", maxLength: 24 }).map((s) => utf8.encode(JSON.stringify(s)));
  fc.assert(fc.property(fc.oneof(json, mutated, spaced, bytes, text), (b) => agrees(b)), { numRuns: 3000 });
});

test.run();
