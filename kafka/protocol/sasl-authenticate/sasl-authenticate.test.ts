import { Buffer } from "node:buffer";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsParse } from "../../../test/support/kafka/protocol/kafkajs.ts";

const text = (s: string) => new TextEncoder().encode(s);

/**
 * kafkajs's SASL mechanisms encode their token as BYTES (int32 size + token) and SaslAuthenticate
 * copies that as is; its decoder hands the mechanism the response's auth bytes the same way.
 */
function sizePrefixed(bytes: Uint8Array): Buffer {
  const out = Buffer.alloc(4 + bytes.length);
  out.writeInt32BE(bytes.length, 0);
  out.set(bytes, 4);
  return out;
}

test("SaslAuthenticate implements v0 and v1 (v2 is flexible and not offered)", () => {
  assert.equal(versionsOf("SaslAuthenticate"), [0, 1]);
});

for (const version of versionsOf("SaslAuthenticate")) {
  test(`SaslAuthenticate v${version} decodeRequest() reads kafkajs's request`, async () => {
    const token = text("\0alice\0alice-secret");
    const body = await kafkajsBody("saslAuthenticate", version, { authBytes: sizePrefixed(token) });
    assert.is(hex(body), "00000013" + hex(token));
    assert.equal(decodeBody("SaslAuthenticate", version, body), { authBytes: token });
  });

  test(`SaslAuthenticate v${version} encodeResponse() is read by kafkajs`, async () => {
    const serverFirst = text("r=abc,s=c2FsdA==,i=4096");
    const body = encodeBody("SaslAuthenticate", version, { errorCode: 0, errorMessage: null, authBytes: serverFirst, sessionLifetimeMs: 0 });
    assert.is(hex(body), "0000" + "ffff" + "00000017" + hex(serverFirst) + (version >= 1 ? "0000000000000000" : ""));
    const decoded = await kafkajsParse("saslAuthenticate", version, body) as Record<string, unknown>;
    assert.equal(decoded, { errorCode: 0, errorMessage: null, authBytes: sizePrefixed(serverFirst), ...(version >= 1 ? { sessionLifetimeMs: "0" } : {}) });
  });

  test(`SaslAuthenticate v${version} encodeResponse() reports SASL_AUTHENTICATION_FAILED with its message`, async () => {
    const body = encodeBody("SaslAuthenticate", version, { errorCode: 58, errorMessage: "authentication failed", authBytes: new Uint8Array(0), sessionLifetimeMs: 0 });
    const decoded = await kafkajsDecode("saslAuthenticate", version, body) as Record<string, unknown>;
    assert.is(decoded.errorCode, 58);
    assert.is(decoded.errorMessage, "authentication failed");
    const error = await kafkajsParse("saslAuthenticate", version, body).catch((e: Error) => e);
    assert.instance(error, Error);
    assert.is((error as Error).message, "authentication failed");
  });
}

test.run();
