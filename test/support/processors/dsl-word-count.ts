/**
 * A topology built with the DSL (rivulet/streams), for tests of the runtime running compiled
 * tasks: word counts through a repartition topic (store `counts`), and a per-minute count of
 * lines per key in a tumbling window (store `lines-per-minute`).
 */
import { serde, topology, windows } from "../../../processors/streams.ts";

export default topology("dsl-words", (t) => {
  const lines = t.stream("lines", { key: serde.string, value: serde.string });
  lines
    .flatMap((_key, line: string) => line.split(/\s+/).filter(Boolean).map((word) => ({ key: word, value: word })))
    .groupByKey()
    .count({ store: "counts" })
    .toStream()
    .to("dsl-word-counts");
  lines.groupByKey().windowedBy(windows.tumbling("1m", { grace: "10s" })).count({ store: "lines-per-minute" });
});
