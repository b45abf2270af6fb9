import { test } from "uvu";
import * as assert from "uvu/assert";
import { supportedApiVersions } from "../apis.ts";
import { decodeBody, encodeBody, hex } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode } from "../../../test/support/kafka/protocol/kafkajs.ts";

const response = { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 7 }, { apiKey: 18, minVersion: 0, maxVersion: 2 }], throttleTimeMs: 0 };

test("ApiVersions v0-2 encodeResponse() writes the fixture bytes", () => {
  const list = "00000002" + "0000" + "0003" + "0007" + "0012" + "0000" + "0002";
  assert.is(hex(encodeBody("ApiVersions", 0, response)), "0000" + list);
  assert.is(hex(encodeBody("ApiVersions", 1, { ...response, throttleTimeMs: 5 })), "0000" + list + "00000005");
  assert.is(hex(encodeBody("ApiVersions", 2, response)), "0000" + list + "00000000");
  assert.is(hex(encodeBody("ApiVersions", 0, { errorCode: 35, apiKeys: [], throttleTimeMs: 0 })), "0023" + "00000000");
});

for (const version of [0, 1, 2]) {
  test(`ApiVersions v${version} decodeRequest() reads kafkajs's empty request`, async () => {
    const body = await kafkajsBody("apiVersions", version, {});
    assert.is(body.length, 0);
    assert.equal(decodeBody("ApiVersions", version, body), {});
  });

  test(`ApiVersions v${version} encodeResponse() is read by kafkajs`, async () => {
    const apiKeys = supportedApiVersions();
    const decoded = await kafkajsDecode("apiVersions", version, encodeBody("ApiVersions", version, { errorCode: 0, apiKeys, throttleTimeMs: 3 }));
    const expected: Record<string, unknown> = { errorCode: 0, apiVersions: apiKeys };
    if (version === 1) expected.throttleTime = 3;
    if (version === 2) Object.assign(expected, { throttleTime: 0, clientSideThrottleTime: 3 });
    assert.equal(decoded, expected);
  });
}

test("supportedApiVersions() lists every implemented API once, sorted, with contiguous ranges", () => {
  const list = supportedApiVersions();
  assert.equal(list.map((a) => a.apiKey), [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 36]);
  const byKey = Object.fromEntries(list.map((a) => [a.apiKey, [a.minVersion, a.maxVersion]]));
  assert.equal(byKey[0], [3, 7]);
  assert.equal(byKey[1], [4, 11]);
  assert.equal(byKey[3], [0, 6]);
  assert.equal(byKey[18], [0, 2]);
  assert.equal(byKey[17], [0, 1], "SaslHandshake");
  assert.equal(byKey[36], [0, 1], "SaslAuthenticate: v2 is flexible and not implemented");
});

test.run();
