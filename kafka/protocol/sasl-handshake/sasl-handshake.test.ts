import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsParse } from "../../../test/support/kafka/protocol/kafkajs.ts";

test("SaslHandshake implements v0 and v1", () => {
  assert.equal(versionsOf("SaslHandshake"), [0, 1]);
});

for (const version of versionsOf("SaslHandshake")) {
  test(`SaslHandshake v${version} decodeRequest() reads kafkajs's request`, async () => {
    const body = await kafkajsBody("saslHandshake", version, { mechanism: "SCRAM-SHA-512" });
    assert.is(hex(body), "000d" + hex(new TextEncoder().encode("SCRAM-SHA-512")));
    assert.equal(decodeBody("SaslHandshake", version, body), { mechanism: "SCRAM-SHA-512" });
  });

  test(`SaslHandshake v${version} encodeResponse() is read by kafkajs, UNSUPPORTED_SASL_MECHANISM included`, async () => {
    const mechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"];
    const ok = encodeBody("SaslHandshake", version, { errorCode: 0, mechanisms });
    assert.is(hex(ok), "0000" + "00000003" + "0005" + hex(new TextEncoder().encode("PLAIN")) + "000d" + hex(new TextEncoder().encode("SCRAM-SHA-256")) + "000d" + hex(new TextEncoder().encode("SCRAM-SHA-512")));
    assert.equal(await kafkajsParse("saslHandshake", version, ok), { errorCode: 0, enabledMechanisms: mechanisms });
    const refused = encodeBody("SaslHandshake", version, { errorCode: 33, mechanisms });
    assert.equal(await kafkajsDecode("saslHandshake", version, refused), { errorCode: 33, enabledMechanisms: mechanisms });
    const parsed = await kafkajsParse("saslHandshake", version, refused).catch((e: Error) => e);
    assert.instance(parsed, Error);
    assert.match((parsed as Error & { type?: string }).type ?? "", "UNSUPPORTED_SASL_MECHANISM");
  });
}

test.run();
