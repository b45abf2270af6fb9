/**
 * The crash oracle's app (DSL): counts the words of `oracle-in` (the record value) through a
 * repartition topic into the store `counts`, and writes every new count to `oracle-out` (key:
 * the word, value: the count as JSON). A run therefore writes outputs, repartition records and
 * changelog records, all of which exactly-once must keep in step with the input offsets.
 */
import { serde, topology } from "../../../processors/streams.ts";

export default topology("oracle-counter", (t) => {
  t.stream("oracle-in", { key: serde.string, value: serde.string })
    .groupBy((_key, word: string) => word)
    .count({ store: "counts" })
    .toStream()
    .to("oracle-out", { key: serde.string, value: serde.json<number>() });
});
