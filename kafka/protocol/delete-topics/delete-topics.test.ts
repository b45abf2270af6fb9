import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";
import { Writer } from "../writer.ts";

for (const version of versionsOf("DeleteTopics").filter((v) => kafkajsHas("deleteTopics", v))) {
  test(`DeleteTopics v${version} decodeRequest() reads kafkajs's request`, async () => {
    const body = await kafkajsBody("deleteTopics", version, { topics: ["orders", "audit"], timeout: 9000 });
    assert.equal(decodeBody("DeleteTopics", version, body), { topicNames: ["orders", "audit"], timeoutMs: 9000 });
  });

  test(`DeleteTopics v${version} encodeResponse() is read by kafkajs`, async () => {
    const body = encodeBody("DeleteTopics", version, { throttleTimeMs: 6, responses: [{ name: "audit", errorCode: 0 }, { name: "orders", errorCode: 0 }] });
    assert.equal(await kafkajsDecode("deleteTopics", version, body), {
      ...(version >= 1 ? kafkajsThrottle("deleteTopics", version, 6) : {}),
      topicErrors: [{ topic: "audit", errorCode: 0 }, { topic: "orders", errorCode: 0 }],
    });
    await kafkajsParse("deleteTopics", version, body);
  });
}

function built(fill: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fill(w);
  return w.toBytes();
}

test("DeleteTopics v2-3 share v1's layout (kafkajs's request and decoder)", async () => {
  const body = await kafkajsBody("deleteTopics", 1, { topics: ["a", "b"], timeout: 100 });
  for (const version of [2, 3]) {
    assert.equal(decodeBody("DeleteTopics", version, body), { topicNames: ["a", "b"], timeoutMs: 100 });
    assert.equal(await kafkajsDecode("deleteTopics", 1, encodeBody("DeleteTopics", version, { throttleTimeMs: 4, responses: [{ name: "a", errorCode: 0 }] })), {
      ...kafkajsThrottle("deleteTopics", 1, 4), topicErrors: [{ topic: "a", errorCode: 0 }],
    });
  }
});

test("DeleteTopics v4-5 (flexible) read names; v5 adds error_message", () => {
  const body = built((w) => w.compactStringArray(["a", "b"]).int32(100).emptyTaggedFields());
  for (const version of [4, 5]) assert.equal(decodeBody("DeleteTopics", version, body), { topicNames: ["a", "b"], timeoutMs: 100 });
  const response = { throttleTimeMs: 0, responses: [{ name: "a", errorCode: 3, errorMessage: "no such topic" }] };
  assert.is(hex(encodeBody("DeleteTopics", 4, response)), "00000000" + "02" + "0261" + "0003" + "00" + "00");
  assert.is(hex(encodeBody("DeleteTopics", 5, response)), "00000000" + "02" + "0261" + "0003" + "0e" + hex(new TextEncoder().encode("no such topic")) + "00" + "00");
});

test("DeleteTopics v6 reads @platformatic/kafka's topics (by name) and answers with a zero topic id", () => {
  assert.equal(decodeBody("DeleteTopics", 6, pltBody("deleteTopicsV6", [{ name: "a" }, { name: "b" }], 100)), { topicNames: ["a", "b"], timeoutMs: 100 });
  const parsed = pltParse("deleteTopicsV6", 20, 6, encodeBody("DeleteTopics", 6, { throttleTimeMs: 0, responses: [{ name: "a", errorCode: 0 }] })) as { responses: Array<Record<string, unknown>> };
  assert.equal(parsed.responses, [{ name: "a", topicId: "00000000-0000-0000-0000-000000000000", errorCode: 0, errorMessage: null }]);
  const byId = built((w) => w.compactArray([0], (x) => x.compactNullableString(null).raw(new Uint8Array(16).fill(7)).emptyTaggedFields()).int32(100).emptyTaggedFields());
  assert.equal(decodeBody("DeleteTopics", 6, byId), { topicNames: [""], timeoutMs: 100 }, "by id only: a name no topic has");
});

test.run();
