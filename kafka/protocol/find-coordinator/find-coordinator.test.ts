import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, hex, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { FindCoordinatorResponse } from "./types.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";
import { Writer } from "../writer.ts";

const response: FindCoordinatorResponse = { throttleTimeMs: 3, errorCode: 0, errorMessage: null, nodeId: 1, host: "127.0.0.1", port: 19092 };

for (const version of versionsOf("FindCoordinator").filter((v) => kafkajsHas("findCoordinator", v))) {
  test(`FindCoordinator v${version} decodeRequest() reads kafkajs's request`, async () => {
    const body = await kafkajsBody("findCoordinator", version, { groupId: "billing", coordinatorKey: "billing", coordinatorType: 1 });
    assert.equal(decodeBody("FindCoordinator", version, body), { key: "billing", keyType: version >= 1 ? 1 : 0 });
  });

  test(`FindCoordinator v${version} encodeResponse() is read by kafkajs`, async () => {
    const body = encodeBody("FindCoordinator", version, response);
    assert.equal(await kafkajsDecode("findCoordinator", version, body), {
      ...(version >= 1 ? kafkajsThrottle("findCoordinator", version, 3) : {}),
      errorCode: 0,
      ...(version >= 1 ? { errorMessage: null } : {}),
      coordinator: { nodeId: 1, host: "127.0.0.1", port: 19092 },
    });
    await kafkajsParse("findCoordinator", version, body);
  });
}

test("FindCoordinator v2 encodeResponse() carries an error and its message", async () => {
  const body = encodeBody("FindCoordinator", 2, { ...response, errorCode: 15, errorMessage: "loading", nodeId: -1, host: "", port: -1 });
  assert.equal(await kafkajsDecode("findCoordinator", 2, body), {
    throttleTime: 0, clientSideThrottleTime: 3, errorCode: 15, errorMessage: "loading", coordinator: { nodeId: -1, host: "", port: -1 },
  });
});

function built(fill: (w: Writer) => void): Uint8Array {
  const w = new Writer();
  fill(w);
  return w.toBytes();
}

test("FindCoordinator v3 (flexible) reads one key and answers in the compact layout", () => {
  const body = built((w) => w.compactString("billing").int8(0).emptyTaggedFields());
  assert.equal(decodeBody("FindCoordinator", 3, body), { key: "billing", keyType: 0 });
  const response = encodeBody("FindCoordinator", 3, { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: "h", port: 9092 });
  assert.is(hex(response), "00000000" + "0000" + "00" + "00000001" + "0268" + "00002384" + "00");
});

test("FindCoordinator v4 reads @platformatic/kafka's batched keys and answers one coordinator per key", () => {
  assert.equal(decodeBody("FindCoordinator", 4, pltBody("findCoordinatorV4", 0, ["g", "h"])), { key: "g", keyType: 0, keys: ["g", "h"] });
  const coordinators = ["g", "h"].map((key) => ({ key, nodeId: 1, host: "127.0.0.1", port: 9092, errorCode: 0, errorMessage: null }));
  const response = encodeBody("FindCoordinator", 4, { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: -1, host: "", port: -1, coordinators });
  assert.equal(pltParse("findCoordinatorV4", 10, 4, response), { throttleTimeMs: 0, coordinators });
  assert.throws(() => encodeBody("FindCoordinator", 4, { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: "h", port: 1 }), RangeError);
});

test.run();
