import { test } from "uvu";
import * as assert from "uvu/assert";
import { assignReplicas } from "./replica-assignment.ts";
import { errorCode } from "../../test/support/error-code.ts";

test("every partition gets RF distinct live brokers; preferred leaders and replicas are spread evenly", () => {
  for (const brokers of [[1, 2, 3], [4, 7, 9, 12], [0, 1, 2, 3, 4]]) {
    for (let rf = 1; rf <= brokers.length; rf++) {
      for (const rotation of [0, 1, 5]) {
        const partitions = brokers.length * 4;
        const replicas = assignReplicas(brokers, partitions, rf, rotation);
        assert.is(replicas.length, partitions);
        const leaders = new Map<number, number>();
        const copies = new Map<number, number>();
        for (const row of replicas) {
          assert.is(row.length, rf);
          assert.is(new Set(row).size, rf, `distinct replicas ${row}`);
          for (const id of row) assert.ok(brokers.includes(id));
          leaders.set(row[0], (leaders.get(row[0]) ?? 0) + 1);
          for (const id of row) copies.set(id, (copies.get(id) ?? 0) + 1);
        }
        assert.equal([...leaders.values()], brokers.map(() => 4), "each broker leads the same number");
        assert.equal([...copies.values()], brokers.map(() => 4 * rf), "each broker holds the same number of replicas");
      }
    }
  }
});

test("the rotation moves the first leader; the result depends on the broker set, not its order", () => {
  assert.equal(assignReplicas([1, 2, 3], 3, 2, 0).map((r) => r[0]), [1, 2, 3]);
  assert.equal(assignReplicas([1, 2, 3], 3, 2, 1).map((r) => r[0]), [2, 3, 1]);
  assert.equal(assignReplicas([3, 1, 2], 5, 3, 2), assignReplicas([1, 2, 3], 5, 3, 2));
});

test("a replication factor above the live brokers, or below 1, is a typed error", async () => {
  assert.is(await errorCode((async () => assignReplicas([1, 2], 1, 3, 0))()), "invalid_replication_factor");
  assert.is(await errorCode((async () => assignReplicas([1, 2], 1, 0, 0))()), "invalid_replication_factor");
  assert.is(await errorCode((async () => assignReplicas([], 1, 1, 0))()), "invalid_replication_factor");
});

test.run();
