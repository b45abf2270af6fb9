import { RivuletError } from "./errors.ts";

/** Kafka's rule for topic names; no name that passes can leave the data directory. */
const topicNamePattern = /^[a-zA-Z0-9._-]{1,249}$/;

/** Topic names reserved for Rivulet's own use start with this prefix. */
export const internalTopicPrefix = "__";

/**
 * Checks a topic name against Kafka's rule: 1-249 of `[a-zA-Z0-9._-]`, and not `.` or `..`.
 *
 * @param name the candidate name
 * @param options `internal: true` allows reserved `__` names (Rivulet's own topics)
 * @throws {RivuletError} `invalid_topic_name`
 */
export function validateTopicName(name: unknown, options: { internal?: boolean } = {}): asserts name is string {
  if (typeof name !== "string" || !topicNamePattern.test(name) || name === "." || name === "..") {
    const shown = typeof name === "string" ? JSON.stringify(name.slice(0, 60)) : typeof name;
    throw new RivuletError("invalid_topic_name", `invalid topic name ${shown}: use 1-249 of [a-zA-Z0-9._-], not "." or ".."`, { name: typeof name === "string" ? name.slice(0, 300) : null });
  }
  if (!options.internal && name.startsWith(internalTopicPrefix)) {
    throw new RivuletError("invalid_topic_name", `topic names starting with "${internalTopicPrefix}" are reserved`, { name });
  }
}
