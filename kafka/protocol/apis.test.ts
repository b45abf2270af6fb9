import { test } from "uvu";
import * as assert from "uvu/assert";
import { apiKeys } from "./api-keys.ts";
import { apis, apiSpec, decodeRequestBody, encodeResponseBody, lookup } from "./apis.ts";
import { Reader } from "./reader.ts";
import { hex, unhex } from "../../test/support/kafka/protocol/codec.ts";
import { Writer } from "./writer.ts";

test("lookup() finds every implemented version and nothing outside the ranges", () => {
  for (const spec of Object.values(apis)) {
    assert.is(spec.apiKey, apiKeys[spec.name]);
    assert.is(lookup(spec.apiKey, spec.minVersion - 1), undefined, `${spec.name} below min`);
    assert.is(lookup(spec.apiKey, spec.maxVersion + 1), undefined, `${spec.name} above max`);
    for (let v = spec.minVersion; v <= spec.maxVersion; v++) assert.is(lookup(spec.apiKey, v)?.name, spec.name);
  }
  assert.is(lookup(17, 2), undefined, "SaslHandshake v2 does not exist");
  assert.is(lookup(36, 2), undefined, "SaslAuthenticate v2 (flexible) is not implemented");
  assert.is(lookup(-1, 0), undefined);
  assert.is(apiSpec(1)?.name, "Fetch");
  assert.is(apiSpec(999), undefined);
});

test("lookup() advertises the versions kafkajs and librdkafka negotiate", () => {
  const range = (name: keyof typeof apis) => [apis[name].minVersion, apis[name].maxVersion];
  assert.equal(range("Produce"), [3, 7]);
  assert.equal(range("Fetch"), [4, 11]);
  assert.equal(range("ListOffsets"), [1, 3]);
  assert.equal(range("Metadata"), [0, 6]);
  assert.equal(range("OffsetCommit"), [2, 5]);
  assert.equal(range("OffsetFetch"), [1, 4]);
  assert.equal(range("FindCoordinator"), [0, 2]);
  assert.equal(range("JoinGroup"), [0, 5]);
  assert.equal(range("Heartbeat"), [0, 3]);
  assert.equal(range("LeaveGroup"), [0, 3]);
  assert.equal(range("SyncGroup"), [0, 3]);
  assert.equal(range("DescribeGroups"), [0, 2]);
  assert.equal(range("ListGroups"), [0, 2]);
  assert.equal(range("ApiVersions"), [0, 2]);
  assert.equal(range("CreateTopics"), [0, 3]);
  assert.equal(range("DeleteTopics"), [0, 1]);
  assert.equal(range("InitProducerId"), [0, 1]);
  assert.equal(range("SaslHandshake"), [0, 1]);
  assert.equal(range("SaslAuthenticate"), [0, 1]);
});

test("decodeRequestBody() tags the body with its API name", () => {
  const decoded = decodeRequestBody(12, 3, new Reader(unhex("0001 67 00000002 0001 6d ffff")));
  assert.equal(decoded, { api: "Heartbeat", version: 3, body: { groupId: "g", generationId: 2, memberId: "m", groupInstanceId: null } });
  assert.is(decodeRequestBody(12, 4, new Reader(new Uint8Array(0))), undefined);
});

test("encodeResponseBody() uses the version's layout and refuses unknown versions", () => {
  const w = new Writer();
  encodeResponseBody("Heartbeat", 0, w, { throttleTimeMs: 9, errorCode: 27 });
  encodeResponseBody("Heartbeat", 1, w, { throttleTimeMs: 9, errorCode: 27 });
  assert.is(hex(w.toBytes()), "001b" + "00000009001b");
  assert.throws(() => encodeResponseBody("Heartbeat", 9, new Writer(), { throttleTimeMs: 0, errorCode: 0 }), RangeError);
});

test.run();
