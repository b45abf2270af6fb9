import { test } from "uvu";
import * as assert from "uvu/assert";
import { decodeBody, encodeBody, versionsOf } from "../../../test/support/kafka/protocol/codec.ts";
import { kafkajsBody, kafkajsDecode } from "../../../test/support/kafka/protocol/kafkajs.ts";
import { pltBody, pltParse } from "../../../test/support/kafka/protocol/platformatic.ts";
import type { DescribeConfigsResponse } from "./types.ts";

const response: DescribeConfigsResponse = {
  throttleTimeMs: 0,
  results: [
    {
      errorCode: 0, errorMessage: null, resourceType: 2, resourceName: "orders",
      configs: [
        { name: "retention.ms", value: "60000", readOnly: true, configSource: 1, isSensitive: false, synonyms: [{ name: "retention.ms", value: "60000", source: 1 }], configType: 5, documentation: "how long" },
        { name: "cleanup.policy", value: "delete", readOnly: true, configSource: 5, isSensitive: false, synonyms: [], configType: 7, documentation: null },
      ],
    },
    { errorCode: 3, errorMessage: "no such topic", resourceType: 2, resourceName: "gone", configs: [] },
  ],
};

test("DescribeConfigs implements v0-4", () => {
  assert.equal(versionsOf("DescribeConfigs"), [0, 1, 2, 3, 4]);
});

for (const version of [0, 1, 2]) {
  test(`DescribeConfigs v${version} reads kafkajs's request and answers in the layout kafkajs decodes`, async () => {
    const body = await kafkajsBody("describeConfigs", version, { resources: [{ type: 2, name: "orders", configNames: ["retention.ms"] }, { type: 4, name: "1", configNames: [] }], includeSynonyms: true });
    assert.equal(decodeBody("DescribeConfigs", version, body), {
      resources: [{ resourceType: 2, resourceName: "orders", configurationKeys: ["retention.ms"] }, { resourceType: 4, resourceName: "1", configurationKeys: null }],
      includeSynonyms: version >= 1, includeDocumentation: false,
    });
    const decoded = await kafkajsDecode("describeConfigs", version, encodeBody("DescribeConfigs", version, response)) as { resources: Array<{ errorCode: number; errorMessage: string | null; resourceName: string; configEntries: Array<Record<string, unknown>> }> };
    assert.equal(decoded.resources.map((r) => [r.errorCode, r.errorMessage, r.resourceName]), [[0, null, "orders"], [3, "no such topic", "gone"]]);
    assert.equal(decoded.resources[0]!.configEntries.map((c) => [c.configName, c.configValue, c.readOnly, c.isDefault, c.configSource]), [["retention.ms", "60000", true, false, 1], ["cleanup.policy", "delete", true, true, 5]]);
    if (version >= 1) assert.equal(decoded.resources[0]!.configEntries[0]!.configSynonyms, [{ configName: "retention.ms", configValue: "60000", configSource: 1 }]);
  });
}

for (const version of [3, 4]) {
  test(`DescribeConfigs v${version} reads @platformatic/kafka's request and answers with types and documentation`, () => {
    const body = pltBody(`describeConfigsV${version}`, [{ resourceType: 2, resourceName: "orders", configurationKeys: ["retention.ms"] }, { resourceType: 4, resourceName: "1", configurationKeys: null }], true, true);
    assert.equal(decodeBody("DescribeConfigs", version, body), {
      resources: [{ resourceType: 2, resourceName: "orders", configurationKeys: ["retention.ms"] }, { resourceType: 4, resourceName: "1", configurationKeys: null }],
      includeSynonyms: true, includeDocumentation: true,
    });
    const ok = { ...response, results: [response.results[0]!] };
    const parsed = pltParse(`describeConfigsV${version}`, 32, version, encodeBody("DescribeConfigs", version, ok)) as { results: Array<{ resourceName: string; configs: Array<Record<string, unknown>> }> };
    assert.is(parsed.results[0]?.resourceName, "orders");
    assert.equal(parsed.results[0]?.configs.map((c) => [c.name, c.value, c.readOnly, c.configSource, c.isSensitive, c.configType, c.documentation]), [
      ["retention.ms", "60000", true, 1, false, 5, "how long"],
      ["cleanup.policy", "delete", true, 5, false, 7, null],
    ]);
    assert.equal(parsed.results[0]?.configs[0]?.synonyms, [{ name: "retention.ms", value: "60000", source: 1 }]);
  });
}

test.run();
