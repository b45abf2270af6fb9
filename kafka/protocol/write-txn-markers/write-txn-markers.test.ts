import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { Reader } from "../reader.ts";
import { Writer } from "../writer.ts";
import { decodeResponse, encodeRequest } from "./v0.ts";

assert.equal(versionsOf("WriteTxnMarkers"), [0]);

test("WriteTxnMarkers v0: the coordinator's request reads back as sent, the leader's answer as written", () => {
  const request = {
    markers: [
      { producerId: 2 ** 40 + 3, producerEpoch: 7, committed: true, topics: [{ name: "orders", partitions: [0, 2] }, { name: "payments", partitions: [1] }], coordinatorEpoch: 5 },
      { producerId: 9, producerEpoch: 0, committed: false, topics: [{ name: "orders", partitions: [1] }], coordinatorEpoch: 0 },
    ],
  };
  const w = new Writer();
  encodeRequest(w, request);
  assert.equal(decodeBody("WriteTxnMarkers", 0, w.toBytes()), request);
  const response = { markers: [{ producerId: 9, topics: [{ name: "orders", partitions: [{ partitionIndex: 1, errorCode: 6 }, { partitionIndex: 0, errorCode: 0 }] }] }] };
  assert.equal(decodeResponse(new Reader(encodeBody("WriteTxnMarkers", 0, response))), response);
});

test.run();
