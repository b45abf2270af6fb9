import { test } from "uvu";
import * as assert from "uvu/assert";
import { supportedApiVersions } from "../apis.ts";
import { decodeBody, encodeBody, hex } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

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
  assert.equal(list.map((a) => a.apiKey), [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22, 23, 24, 25, 26, 27, 28, 32, 36, 37, 65, 66]);
  const byKey = Object.fromEntries(list.map((a) => [a.apiKey, [a.minVersion, a.maxVersion]]));
  assert.equal(byKey[0], [3, 9]);
  assert.equal(byKey[1], [4, 12]);
  assert.equal(byKey[3], [0, 9]);
  assert.equal(byKey[18], [0, 3]);
  assert.equal(byKey[32], [0, 4], "DescribeConfigs");
  assert.equal(byKey[37], [0, 3], "CreatePartitions");
  assert.equal(byKey[17], [0, 1], "SaslHandshake");
  assert.equal(byKey[36], [0, 2], "SaslAuthenticate (v2 is flexible)");
  for (const key of [25, 26, 28]) assert.equal(byKey[key], [0, 3], `transaction API ${key} (v3 is flexible)`);
  assert.equal(byKey[24], [0, 4], "AddPartitionsToTxn (v3 is flexible, v4 batches transactions and verifies, KIP-890)");
  assert.equal(byKey[27], [0, 0], "WriteTxnMarkers (broker to broker)");
  assert.equal([byKey[65], byKey[66]], [[0, 0], [0, 0]], "DescribeTransactions, ListTransactions (admin tools)");
});

test("ApiVersions v3 (flexible) reads @platformatic/kafka's request and answers in its layout", () => {
  assert.equal(decodeBody("ApiVersions", 3, pltBody("apiVersionsV3", "plt-kafka", "1.35.0")), { clientSoftwareName: "plt-kafka", clientSoftwareVersion: "1.35.0" });
  const body = encodeBody("ApiVersions", 3, { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 9 }, { apiKey: 18, minVersion: 0, maxVersion: 3 }], throttleTimeMs: 0 });
  assert.is(hex(body), "0000" + "03" + "0000000300090" + "0" + "00120000000300" + "00000000" + "00");
  const parsed = pltParse("apiVersionsV3", 18, 3, body) as { apiKeys: Array<{ apiKey: number; name: string; minVersion: number; maxVersion: number }> };
  assert.equal(parsed.apiKeys.map((a) => [a.name, a.minVersion, a.maxVersion]), [["Produce", 3, 9], ["ApiVersions", 0, 3]]);
});

test.run();
