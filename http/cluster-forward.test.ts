/** Where a request is served in a cluster (forwardTarget). */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { forwardTarget } from "./cluster-forward.ts";

const none = new Headers();
const idempotent = new Headers({ "producer-id": "1", "producer-epoch": "0", "producer-seq": "0" });

test("partition routes go to the partition's leader (fetch, SSE, batches)", () => {
  for (const tail of ["records", "stream", "batches"]) {
    assert.equal(forwardTarget("GET", `/v1/topics/or%2Fders/partitions/2/${tail}`, none), { kind: "leader", topic: "or/ders", partition: 2, coordinator: false });
  }
});

test("idempotent produce and producer registration go to the registry's owner; a plain produce is served here", () => {
  const registry = { kind: "leader", topic: "__request_producers", partition: 0, coordinator: true };
  assert.equal(forwardTarget("POST", "/v1/producers", none), registry);
  assert.equal(forwardTarget("POST", "/v1/topics/orders/records", idempotent), registry);
  assert.equal(forwardTarget("POST", "/v1/topics/orders/records", none), { kind: "here" });
});

test("group routes go to the group coordinator; topic routes are served here", () => {
  const coordinator = { kind: "leader", topic: "__consumer_offsets", partition: 0, coordinator: true };
  for (const path of ["/v1/groups", "/v1/groups/g", "/v1/groups/g/members", "/v1/groups/g/members/m/records"]) assert.equal(forwardTarget("GET", path, none), coordinator, path);
  for (const path of ["/v1/groupsx", "/v1/topics", "/v1/topics/orders", "/v1/cluster"]) assert.equal(forwardTarget("GET", path, none), { kind: "here" }, path);
});

test.run();
