import { test } from "uvu";
import * as assert from "uvu/assert";
import { benchStreams, formatStreamsTable } from "./streams.ts";

test("benchStreams() --quick measures both topologies doing their work", () => {
  const rows = benchStreams({ quick: true });
  assert.equal(rows.map((r) => r.name), ["stateless: filter + mapValues", "windowed count: 1 s tumbling, 1,000 keys"]);
  for (const row of rows) assert.ok(row.recordsPerSecond > 0, row.name);
  // The filter drops 1 value in 16.
  assert.ok(Math.abs(rows[0].outputsPerRecord - 15 / 16) < 0.001, String(rows[0].outputsPerRecord));
  // Each record opens its key's window of the second; each window is emitted once when it
  // closes; every round runs at least 5 batches (5 s of stream time), so at least 4 in 5 are.
  assert.ok(rows[1].outputsPerRecord >= 0.8 && rows[1].outputsPerRecord <= 1, String(rows[1].outputsPerRecord));
  assert.match(formatStreamsTable(rows), /\| windowed count/);
});

test.run();
