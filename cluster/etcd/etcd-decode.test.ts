/** The gateway's proto3 JSON, as etcd 3.4 sends it, decoded with every omitted default filled in. */
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { isRivuletError } from "../../core/errors.ts";
import { JsonLines } from "./json-lines.ts";
import { errorCode } from "../../test/support/error-code.ts";
import { base64Text, fromBase64, prefixEnd, toBase64 } from "./etcd-bytes.ts";
import { decodeEvent, decodeRange, decodeTxn, encodeCompare, encodeOp, int } from "./etcd-decode.ts";
import { codeOfGrpc, etcdError } from "./etcd-error.ts";

const header = { cluster_id: "324952591200643719", member_id: "3319814642761637952", revision: "2", raft_term: "2" };

test("decodeRange() of an empty answer (no kvs, no count) gives [] and 0", () => {
  assert.equal(decodeRange({ header }), { header: { revision: 2, clusterId: header.cluster_id, memberId: header.member_id, raftTerm: 2 }, kvs: [], more: false, count: 0 });
});

test("decodeRange() decodes base64 keys and values and int64 strings", () => {
  const answer = decodeRange({ header, kvs: [{ key: "L2E=", create_revision: "2", mod_revision: "2", version: "1", value: "aGk=", lease: "7587869425016113923" }], count: "1" });
  assert.is(answer.kvs[0].key, "/a");
  assert.is(base64Text(toBase64(answer.kvs[0].value)), "hi");
  assert.is(answer.kvs[0].lease, "7587869425016113923");
  assert.is(answer.kvs[0].version, 1);
});

test("decodeTxn() of a failed txn (no succeeded field) is succeeded false; nested headers with only a revision decode", () => {
  const failed = decodeTxn({ header, responses: [{ response_range: { header: { revision: "2" }, kvs: [{ key: "L2E=", create_revision: "2", mod_revision: "2", version: "1", value: "aGk=" }], count: "1" } }] });
  assert.is(failed.succeeded, false);
  const read = failed.responses[0];
  assert.ok("range" in read && read.range.header.revision === 2 && read.range.kvs[0].lease === "0");
  const done = decodeTxn({ header, succeeded: true, responses: [{ response_put: { header: { revision: "3" } } }, { response_delete_range: { header: { revision: "3" } } }] });
  assert.is(done.succeeded, true);
  assert.equal(done.responses[1], { deleteRange: { header: { revision: 3, clusterId: "0", memberId: "0", raftTerm: 0 }, deleted: 0, prevKvs: [] } });
});

test("decodeEvent(): no type means PUT; a DELETE's kv has only key and mod_revision", () => {
  assert.is(decodeEvent({ kv: { key: "L2E=", create_revision: "2", mod_revision: "2", version: "1", value: "aGk=" } }).type, "put");
  const del = decodeEvent({ type: "DELETE", kv: { key: "L2E=", mod_revision: "3" } });
  assert.equal([del.type, del.kv.key, del.kv.modRevision, del.kv.createRevision, del.kv.value.length], ["delete", "/a", 3, 0, 0]);
});

test("int() refuses a value past 2^53 rather than rounding it", async () => {
  assert.is(int("9007199254740991"), Number.MAX_SAFE_INTEGER);
  assert.is(await errorCode(Promise.resolve().then(() => int("9007199254740993"))), "coordination_unavailable");
});

test("encodeCompare() and encodeOp() use the gateway's names and string int64s", () => {
  assert.equal(encodeCompare({ key: "/a", target: "create_revision", result: "equal", value: 0 }), { key: "L2E=", result: "EQUAL", target: "CREATE", create_revision: "0" });
  assert.equal(encodeCompare({ key: "/a", target: "value", result: "not_equal", value: "hi" }), { key: "L2E=", result: "NOT_EQUAL", target: "VALUE", value: "aGk=" });
  assert.equal(encodeOp({ put: { key: "/a", value: "hi", lease: "123" } }), { request_put: { key: "L2E=", value: "aGk=", lease: "123" } });
  assert.equal(encodeOp({ deleteRange: { key: "/a/", prefix: true } }), { request_delete_range: { key: "L2Ev", range_end: "L2Ew" } });
  assert.equal(encodeOp({ range: { key: "/a", limit: 5, revision: 9 } }), { request_range: { key: "L2E=", limit: "5", revision: "9" } });
});

test("prefixEnd() adds one to the last byte below 0xff; base64 round-trips every byte", () => {
  assert.equal([...prefixEnd("/a/")], [...new TextEncoder().encode("/a0")]);
  assert.equal([...prefixEnd(new Uint8Array([1, 0xff, 0xff]))], [2]);
  assert.equal([...prefixEnd(new Uint8Array([0xff]))], [0]);
  const all = new Uint8Array(256).map((_, i) => i);
  assert.equal([...fromBase64(toBase64(all))], [...all]);
  assert.equal(fromBase64(undefined).length, 0);
});

test("etcdError() maps gRPC codes to typed errors with retriable", () => {
  const compacted = etcdError(400, { error: "etcdserver: mvcc: required revision has been compacted", message: "etcdserver: mvcc: required revision has been compacted", code: 11 }, "/v3/kv/range");
  assert.equal([compacted.code, compacted.retriable], ["revision_compacted", false]);
  const noLeader = etcdError(503, { message: "etcdserver: no leader", code: 14 }, "/v3/kv/put");
  assert.equal([noLeader.code, noLeader.retriable], ["coordination_unavailable", true]);
  assert.is(etcdError(0, { grpc_code: 14, message: "x" }, "/v3/watch").code, "coordination_unavailable");
  assert.is(etcdError(502, null, "/v3/kv/put").code, "coordination_unavailable");
  assert.is(etcdError(404, "<html>", "/v3/kv/put").code, "invalid_request");
  assert.equal([3, 4, 5, 6, 7, 8, 9, 16].map((c) => codeOfGrpc(c, "")), ["invalid_request", "timeout", "not_found", "conflict", "forbidden", "storage_error", "conflict", "unauthorized"]);
  assert.is(codeOfGrpc(11, "etcdserver: mvcc: required revision is a future revision"), "invalid_request");
});

/** Runs `f`; passes when it returns or throws a RivuletError, fails on any other throw. */
function typedOrFine(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch (error) {
    return isRivuletError(error);
  }
}

test("the decoders take any JSON without crashing: a result or a typed error", () => {
  const field = fc.oneof(fc.jsonValue(), fc.base64String(), fc.constantFrom("1", "-1", "9007199254740993", "x", "DELETE", true, null));
  const kv = fc.record({ key: field, value: field, create_revision: field, mod_revision: field, version: field, lease: field }, { requiredKeys: [] });
  const answer = fc.record(
    { header: fc.oneof(field, fc.record({ revision: field, cluster_id: field })), kvs: fc.oneof(field, fc.array(kv)), count: field, more: field, succeeded: field,
      responses: fc.oneof(field, fc.array(fc.record({ response_range: fc.oneof(field, fc.record({ kvs: fc.array(kv) })), response_put: field }, { requiredKeys: [] }))) },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(fc.oneof(answer, fc.jsonValue()), (value) =>
      typedOrFine(() => decodeRange(value)) && typedOrFine(() => decodeTxn(value)) && typedOrFine(() => decodeEvent({ type: "DELETE", kv: value }))),
    { numRuns: 500 },
  );
});

test("JsonLines takes any bytes without crashing: messages or a typed error", () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 8 }), (chunks) => {
      const lines = new JsonLines(128);
      return chunks.every((chunk) => typedOrFine(() => lines.push(chunk)));
    }),
    { numRuns: 500 },
  );
});

test.run();
