import { test } from "uvu";
import * as assert from "uvu/assert";
import { isRivuletError } from "./errors.ts";
import { parseTopicConfig } from "./topic-config.ts";

test("cleanup.policy is a list, as in Kafka: any order and spacing of delete and compact", () => {
  assert.is(parseTopicConfig({ "cleanup.policy": "delete" })["cleanup.policy"], "delete");
  assert.is(parseTopicConfig({ "cleanup.policy": "compact" })["cleanup.policy"], "compact");
  for (const both of ["compact,delete", "delete,compact", "compact, delete", " delete , compact "]) {
    assert.is(parseTopicConfig({ "cleanup.policy": both })["cleanup.policy"], "compact,delete", both);
  }
});

test("cleanup.policy refuses anything else with invalid_config", () => {
  for (const bad of ["", "compact,compact", "delete,compact,delete", "remove", "compact;delete", 3, null]) {
    try {
      parseTopicConfig({ "cleanup.policy": bad });
      assert.unreachable(`accepted ${JSON.stringify(bad)}`);
    } catch (error) {
      assert.ok(isRivuletError(error, "invalid_config"), `${JSON.stringify(bad)}: ${String(error)}`);
    }
  }
});

test.run();
