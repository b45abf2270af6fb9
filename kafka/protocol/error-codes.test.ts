import { test } from "uvu";
import * as assert from "uvu/assert";
import { errorCodes, type ErrorCode, RivuletError } from "../../core/errors.ts";
import { ProtocolDecodeError } from "./decode-error.ts";
import { fencedErrorCode, kafkaErrorCode, kafkaErrorName, kafkaErrors } from "./error-codes.ts";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { errorCodes: kafkajsCodes } = require("kafkajs/src/protocol/error.js") as { errorCodes: Array<{ type: string; code: number; retriable: boolean }> };

const expected: Partial<Record<ErrorCode, number>> = {
  unknown_topic: 3, unknown_partition: 3, offset_out_of_range: 1, corrupt_record: 2, record_too_large: 10,
  partition_unavailable: 5, partition_offline: 5, timeout: 7, topic_exists: 36, invalid_topic_name: 17,
  invalid_config: 40, illegal_generation: 22, unknown_member: 25, rebalance_in_progress: 27,
  out_of_order_sequence: 45, producer_fenced: 47, unknown_producer: 59, invalid_request: 42,
  mailbox_full: 7, request_too_large: 10,
  invalid_txn_state: 48, invalid_producer_id_mapping: 49, invalid_transaction_timeout: 50, concurrent_transactions: 51,
};

test("kafkaErrorCode() maps Rivulet codes to the Kafka codes clients act on", () => {
  for (const [code, kafka] of Object.entries(expected)) {
    assert.is(kafkaErrorCode(new RivuletError(code as ErrorCode, "x")), kafka, code);
  }
});

test("a forbidden transactional id is TRANSACTIONAL_ID_AUTHORIZATION_FAILED; fencing is PRODUCER_FENCED only from the API's first version that knows it", () => {
  assert.is(kafkaErrorCode(new RivuletError("forbidden", "x", { transactionalId: "tx", topic: "t" })), 53);
  const fenced = new RivuletError("producer_fenced", "x");
  assert.is(fencedErrorCode(fenced, 1, 2), 47);
  assert.is(fencedErrorCode(fenced, 2, 2), 90);
  assert.is(fencedErrorCode(new RivuletError("invalid_txn_state", "x"), 3, 2), 48);
});

test("kafkaErrorCode() maps every Rivulet code to a code kafkajs knows", () => {
  const known = new Set(kafkajsCodes.map((c) => c.code));
  for (const code of Object.keys(errorCodes) as ErrorCode[]) {
    const kafka = kafkaErrorCode(new RivuletError(code, "x"));
    assert.ok(known.has(kafka), `${code} -> ${kafka}`);
    assert.is.not(kafka, 0, `${code} must not map to NONE`);
  }
});

test("kafkaErrorCode() gives retriable Kafka codes for retriable Rivulet codes kafkajs retries", () => {
  const retriable = new Map(kafkajsCodes.map((c) => [c.code, c.retriable]));
  // REBALANCE_IN_PROGRESS is not "retriable" in kafkajs's table: the consumer rejoins instead.
  for (const code of ["partition_unavailable", "mailbox_full", "timeout", "actor_restarting", "too_many_streams"] as ErrorCode[]) {
    if (!(code in errorCodes)) continue;
    assert.ok(retriable.get(kafkaErrorCode(new RivuletError(code, "x"))), code);
  }
});

test("kafkaErrorCode() maps decode errors to INVALID_REQUEST and anything else to UNKNOWN_SERVER_ERROR", () => {
  assert.is(kafkaErrorCode(new ProtocolDecodeError("bad")), 42);
  assert.is(kafkaErrorCode(new Error("boom")), -1);
  assert.is(kafkaErrorCode("nope"), -1);
  assert.is(kafkaErrorCode(undefined), -1);
});

test("kafkaErrorCode() maps forbidden by what it refused: topic 29, group 30, else cluster 31", () => {
  assert.is(kafkaErrorCode(new RivuletError("forbidden", "x", { access: "write", topic: "orders" })), 29);
  assert.is(kafkaErrorCode(new RivuletError("forbidden", "x", { access: "read", group: "billing" })), 30);
  assert.is(kafkaErrorCode(new RivuletError("forbidden", "x", { access: "write", topic: null })), 31);
  assert.is(kafkaErrorCode(new RivuletError("forbidden", "x")), 31);
  assert.is(kafkaErrorName(30), "GROUP_AUTHORIZATION_FAILED");
});

test("kafkaErrorName() names the codes Rivulet sends", () => {
  assert.is(kafkaErrorName(3), "UNKNOWN_TOPIC_OR_PARTITION");
  assert.is(kafkaErrorName(35), "UNSUPPORTED_VERSION");
  assert.is(kafkaErrorName(79), "MEMBER_ID_REQUIRED");
  assert.is(kafkaErrorName(12345), undefined);
  assert.is(kafkaErrors.NOT_COORDINATOR, 16);
});

test.run();
