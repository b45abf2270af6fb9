/**
 * Rivulet's side of the comparison's windowed count: per key, a count in tumbling windows of
 * WINDOW_MS, every update emitted (as `@kafkats/flow` emits its windowed counts), so each input
 * record yields one output record on both sides.
 */
import { serde, topology, windows } from "../../processors/streams.ts";
import { compareTopics, WINDOW_MS } from "./topologies.ts";

const { input, output, appId } = compareTopics("windowed", "rivulet");

export default topology(appId, (t) => {
  t.stream(input, { key: serde.string, value: serde.string })
    .groupByKey()
    .windowedBy(windows.tumbling(WINDOW_MS))
    .count({ store: "counts" })
    .toStream({ emit: "updates" })
    .to(output);
});
