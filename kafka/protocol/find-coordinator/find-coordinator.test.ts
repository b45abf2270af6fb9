import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode, kafkajsHas, kafkajsParse, kafkajsThrottle } from "../../../test/support/kafka/protocol/kafkajs.ts";
import type { FindCoordinatorResponse } from "./types.ts";

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

test.run();
