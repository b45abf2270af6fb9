import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../core/errors.ts";
import { requestEncoding, responseEncoding } from "./media.ts";

test("requestEncoding() accepts JSON, +json and CBOR, and defaults to JSON", () => {
  assert.is(requestEncoding(undefined), "json");
  assert.is(requestEncoding("application/json"), "json");
  assert.is(requestEncoding("Application/JSON; charset=utf-8"), "json");
  assert.is(requestEncoding("application/vnd.rivulet+json"), "json");
  assert.is(requestEncoding("application/cbor"), "cbor");
});

test("requestEncoding() refuses other types with unsupported_media_type", () => {
  for (const type of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "application/cbor-seq"]) {
    try {
      requestEncoding(type);
      assert.unreachable(type);
    } catch (error) {
      assert.ok(isRivuletError(error, "unsupported_media_type"), type);
    }
  }
});

test("responseEncoding() picks CBOR only when the client prefers it", () => {
  assert.is(responseEncoding(undefined), "json");
  assert.is(responseEncoding("*/*"), "json");
  assert.is(responseEncoding("application/cbor"), "cbor");
  assert.is(responseEncoding("application/cbor, */*;q=0.5"), "cbor");
  assert.is(responseEncoding("application/json, application/cbor;q=0.5"), "json");
  assert.is(responseEncoding("application/cbor;q=0.5, application/json"), "json");
  assert.is(responseEncoding("application/cbor, */*"), "cbor");
  assert.is(responseEncoding("application/cbor;q=0"), "json");
});

test.run();
