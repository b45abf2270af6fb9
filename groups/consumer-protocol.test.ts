import { createRequire } from "node:module";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../core/errors.ts";
import { decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription } from "./consumer-protocol.ts";

interface KafkajsProtocol {
  MemberMetadata: {
    encode(m: { version: number; topics: string[]; userData?: Uint8Array }): Uint8Array;
    decode(b: Uint8Array): { version: number; topics: string[]; userData: Uint8Array };
  };
  MemberAssignment: {
    encode(a: { version: number; assignment: Record<string, number[]>; userData?: Uint8Array }): Uint8Array;
    decode(b: Uint8Array): { version: number; assignment: Record<string, number[]>; userData: Uint8Array } | null;
  };
}
const kafkajs = createRequire(import.meta.url)("kafkajs/src/consumer/assignerProtocol.js") as KafkajsProtocol;
const bytes = (...xs: number[]) => Uint8Array.from(xs);
const plain = (b: Uint8Array) => [...b];

const subscriptionGolden = bytes(
  0, 1, // version 1
  0, 0, 0, 2, 0, 1, 0x74, 0, 3, 0x75, 0xc3, 0xa9, // topics ["t", "ué"]
  0, 0, 0, 2, 9, 8, // user_data
);
const assignmentGolden = bytes(
  0, 0, // version 0
  0, 0, 0, 2, // two topics
  0, 1, 0x74, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 2, // "t": [0, 2]
  0, 1, 0x75, 0, 0, 0, 1, 0, 0, 0, 1, // "u": [1]
  0, 0, 0, 0, // empty user_data
);

test("encodeSubscription() writes the golden bytes, the same as kafkajs 2.2.4's MemberMetadata", () => {
  const ours = encodeSubscription({ version: 1, topics: ["t", "ué"], userData: bytes(9, 8) });
  assert.equal(plain(ours), plain(subscriptionGolden));
  assert.equal(plain(kafkajs.MemberMetadata.encode({ version: 1, topics: ["t", "ué"], userData: Buffer.from([9, 8]) })), plain(subscriptionGolden));
});

test("decodeSubscription() reads kafkajs-encoded metadata, ignoring fields of newer versions", () => {
  const decoded = decodeSubscription(subscriptionGolden);
  assert.equal(decoded.version, 1);
  assert.equal(decoded.topics, ["t", "ué"]);
  assert.equal(plain(decoded.userData!), [9, 8]);
  const withOwnedPartitions = bytes(...subscriptionGolden, 0, 0, 0, 0);
  assert.equal(decodeSubscription(withOwnedPartitions).topics, ["t", "ué"]);
  assert.equal(decodeSubscription(encodeSubscription({ version: 0, topics: [], userData: null })).userData, null);
});

test("encodeAssignment() writes the golden bytes, the same as kafkajs 2.2.4's MemberAssignment", () => {
  const partitions = [{ topic: "t", partition: 0 }, { topic: "u", partition: 1 }, { topic: "t", partition: 2 }];
  assert.equal(plain(encodeAssignment({ version: 0, partitions, userData: new Uint8Array(0) })), plain(assignmentGolden));
  assert.equal(plain(kafkajs.MemberAssignment.encode({ version: 0, assignment: { t: [0, 2], u: [1] } })), plain(assignmentGolden));
});

test("decodeAssignment() reads kafkajs-encoded assignments, and empty bytes as nothing assigned", () => {
  const decoded = decodeAssignment(assignmentGolden);
  assert.equal(decoded.partitions, [{ topic: "t", partition: 0 }, { topic: "t", partition: 2 }, { topic: "u", partition: 1 }]);
  assert.equal(decodeAssignment(new Uint8Array(0)).partitions, []);
  const back = kafkajs.MemberAssignment.decode(Buffer.from(encodeAssignment({ version: 0, partitions: decoded.partitions, userData: null })));
  assert.equal(back?.assignment, { t: [0, 2], u: [1] });
});

test("decodeAssignment() refuses truncated bytes with invalid_request", () => {
  for (let cut = 1; cut < assignmentGolden.length - 4; cut++) {
    try {
      decodeAssignment(assignmentGolden.subarray(0, cut));
      assert.unreachable(`decoded ${cut} bytes`);
    } catch (error) {
      assert.ok(isRivuletError(error, "invalid_request"), `cut at ${cut}: ${String(error)}`);
    }
  }
  try {
    decodeSubscription(bytes(0, 0, 0x7f, 0xff, 0xff, 0xff));
    assert.unreachable("decoded a huge topic count");
  } catch (error) {
    assert.ok(isRivuletError(error, "invalid_request"));
  }
});

test.run();
