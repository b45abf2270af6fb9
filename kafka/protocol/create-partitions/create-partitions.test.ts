import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";

const response = { throttleTimeMs: 0, results: [{ name: "orders", errorCode: 0, errorMessage: null }, { name: "tiny", errorCode: 37, errorMessage: "topic tiny has 4 partitions" }] };

test("CreatePartitions implements v0-3", () => {
  assert.equal(versionsOf("CreatePartitions"), [0, 1, 2, 3]);
});

for (const version of [0, 1]) {
  test(`CreatePartitions v${version} reads kafkajs's request (no assignments: null) and answers in the layout kafkajs decodes`, async () => {
    const body = await kafkajsBody("createPartitions", version, { topicPartitions: [{ topic: "orders", count: 4, assignments: [[1], [1]] }, { topic: "tiny", count: 2 }], timeout: 500, validateOnly: true });
    assert.equal(decodeBody("CreatePartitions", version, body), {
      topics: [{ name: "orders", count: 4, assignments: [[1], [1]] }, { name: "tiny", count: 2, assignments: null }],
      timeoutMs: 500, validateOnly: true,
    });
    assert.equal(await kafkajsDecode("createPartitions", version, encodeBody("CreatePartitions", version, { ...response, throttleTimeMs: 6 })), {
      ...kafkajsThrottle("createPartitions", version, 6),
      topicErrors: [{ topic: "orders", errorCode: 0, errorMessage: null }, { topic: "tiny", errorCode: 37, errorMessage: "topic tiny has 4 partitions" }],
    });
  });
}

for (const version of [2, 3]) {
  test(`CreatePartitions v${version} (flexible) reads @platformatic/kafka's request and answers in its layout`, () => {
    const body = pltBody(`createPartitionsV${version}`, [{ name: "orders", count: 4, assignments: [{ brokerIds: [1] }] }, { name: "tiny", count: 2, assignments: null }], 500, false);
    assert.equal(decodeBody("CreatePartitions", version, body), {
      topics: [{ name: "orders", count: 4, assignments: [[1]] }, { name: "tiny", count: 2, assignments: null }],
      timeoutMs: 500, validateOnly: false,
    });
    const ok = { throttleTimeMs: 3, results: [response.results[0]!] };
    assert.equal(pltParse(`createPartitionsV${version}`, 37, version, encodeBody("CreatePartitions", version, ok)), { throttleTimeMs: 3, results: [{ name: "orders", errorCode: 0, errorMessage: null }] });
  });
}

test.run();
