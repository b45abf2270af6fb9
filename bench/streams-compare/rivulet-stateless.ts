/** Rivulet's side of the comparison's stateless topology: filter + mapValues (the value's length). */
import { serde, topology } from "../../processors/streams.ts";
import { compareTopics, keep } from "./topologies.ts";

const { input, output, appId } = compareTopics("stateless", "rivulet");

export default topology(appId, (t) => {
  t.stream(input, { key: serde.string, value: serde.string })
    .filter((_key, value) => keep(value))
    .mapValues((value) => String(value.length))
    .to(output, { key: serde.string, value: serde.string });
});
