import { test } from "uvu";
import * as assert from "uvu/assert";
import { parseBody } from "./body.ts";
import { errorCode as code } from "../test/support/error-code.ts";

test("parseBody() refuses empty and malformed JSON and CBOR with invalid_request", async () => {
  const bad = [[new Uint8Array(0), "json"], [new TextEncoder().encode("{"), "json"], [new Uint8Array([0xff, 0xfe]), "json"], [new Uint8Array([0x5f, 0x41]), "cbor"], [new Uint8Array(0), "cbor"]] as const;
  for (const [bytes, encoding] of bad) assert.is(await code(Promise.resolve().then(() => parseBody(bytes, encoding))), "invalid_request", `${encoding} ${bytes}`);
  assert.equal(parseBody(new TextEncoder().encode(`{"a":[1]}`), "json"), { a: [1] });
  assert.equal(parseBody(new Uint8Array([0xa1, 0x61, 0x61, 0x01]), "cbor"), { a: 1 });
});

test.run();
