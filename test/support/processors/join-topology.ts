/**
 * A hand-written topology reading `words` and `clicks` as co-partitioned inputs (a join would),
 * for the co-partitioning check; otherwise the counter of counter-topology.ts.
 */
import counter from "./counter-topology.ts";

export default {
  ...counter,
  appId: "word-clicks",
  sources: ["words", "clicks"],
  copartitionGroups: [["words", "clicks"]],
};
