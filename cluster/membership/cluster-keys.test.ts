import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "../../core/errors.ts";
import { ClusterKeys } from "./cluster-keys.ts";
import { parseBrokerInfo, parseControllerInfo, parsePartitionState, parseTopicRecord } from "./metadata-records.ts";

test("ClusterKeys builds the layout's keys and parses them back", () => {
  const keys = new ClusterKeys("prod-1");
  assert.is(keys.prefix, "/prod-1/");
  assert.is(keys.prefixEnd, "/prod-10");
  assert.is(keys.controller, "/prod-1/controller");
  assert.equal(keys.parse(keys.broker(12)), { kind: "broker", brokerId: 12 });
  assert.equal(keys.parse(keys.controller), { kind: "controller" });
  assert.equal(keys.parse(keys.topic("a.b_c-d")), { kind: "topic", topic: "a.b_c-d" });
  assert.equal(keys.parse(keys.partition("orders", 31)), { kind: "partition", topic: "orders", partition: 31 });
});

test("ClusterKeys.parse() returns null for other clusters, unknown kinds and malformed parts", () => {
  const keys = new ClusterKeys("c");
  for (const key of ["/d/brokers/1", "/c/brokers/01", "/c/brokers/-1", "/c/brokers/x", "/c/brokers/99999999999", "/c/partitions/t", "/c/partitions/t/1/2", "/c/producer-ids", "/c/controller/x", "/c/topics/a/b"]) {
    assert.is(keys.parse(key), null, key);
  }
});

test("ClusterKeys refuses names that could leave their place in the layout", () => {
  for (const name of ["", ".", "..", "a/b", "a b", "x".repeat(250)]) {
    assert.throws(() => new ClusterKeys(name), (e: unknown) => isRivuletError(e, "invalid_request"), name);
  }
  const keys = new ClusterKeys("c");
  assert.throws(() => keys.topic("../x"), (e: unknown) => isRivuletError(e, "invalid_request"));
  assert.throws(() => keys.broker(1.5), (e: unknown) => isRivuletError(e, "invalid_request"));
  assert.throws(() => keys.partition("t", -1), (e: unknown) => isRivuletError(e, "invalid_request"));
});

test("record parsers accept the stored shapes and refuse anything else", () => {
  assert.equal(parseBrokerInfo('{"id":1,"host":"h","port":80,"kafka_port":9092}'), { id: 1, host: "h", port: 80, kafka_port: 9092 });
  for (const bad of ["", "null", "[]", '{"id":1,"host":"","port":80,"kafka_port":9092}', '{"id":1,"host":"h","port":0,"kafka_port":9092}', '{"id":-1,"host":"h","port":80,"kafka_port":9092}']) {
    assert.is(parseBrokerInfo(bad), null, bad);
  }
  assert.equal(parseControllerInfo('{"broker_id":2,"broker_epoch":17}'), { broker_id: 2, broker_epoch: 17 });
  assert.is(parseControllerInfo('{"broker_id":2}'), null);
  assert.equal(parseTopicRecord('{"name":"t","replicas":[[1,2]],"config":{"a":"b"}}'), { name: "t", replicas: [[1, 2]], config: { a: "b" } });
  assert.is(parseTopicRecord('{"name":"t","replicas":[[]],"config":{}}'), null);
  assert.is(parseTopicRecord('{"name":"t","replicas":[[1]],"config":{"a":1}}'), null);
  assert.equal(parsePartitionState('{"leader":-1,"leader_epoch":4,"isr":[]}'), { leader: -1, leader_epoch: 4, isr: [] });
  assert.is(parsePartitionState('{"leader":-2,"leader_epoch":4,"isr":[]}'), null);
  assert.is(parsePartitionState('{"leader":1,"leader_epoch":4,"isr":["1"]}'), null);
});

test.run();
