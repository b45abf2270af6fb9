/** Parsing of group requests: ids, the join body and the commit body. */
import type { AssignorName, OffsetCommitEntry } from "../../broker/group-api.ts";
import { RivuletError } from "../../core/errors.ts";
import type { Limits } from "../../core/limits.ts";
import { validateTopicName } from "../../core/topic-name.ts";
import { isPlainObject } from "../records/record-checks.ts";
import type { OffsetReset } from "./member-positions.ts";

const idPattern = /^[\x21-\x7e]{1,249}$/;

/**
 * A group or member id from the path: 1-249 printable ASCII characters.
 *
 * @throws {RivuletError} `invalid_request`
 */
export function parseId(raw: string | undefined, what: "group" | "member"): string {
  if (raw === undefined || !idPattern.test(raw)) {
    throw new RivuletError("invalid_request", `${what} id must be 1-249 printable ASCII characters`);
  }
  return raw;
}

/** A parsed join request. */
export interface JoinRequest {
  topics: string[];
  reset: OffsetReset;
  sessionTimeoutMs: number;
  assignor?: AssignorName;
  clientId?: string;
}

/**
 * Parses `{"topics", "auto.offset.reset"?, "session_timeout_ms"?, "assignor"?, "client_id"?}`.
 * `auto.offset.reset` defaults to `earliest`.
 *
 * @throws {RivuletError} `invalid_request`, `invalid_topic_name`
 */
export function parseJoin(body: unknown, limits: Limits): JoinRequest {
  if (!isPlainObject(body) || !Array.isArray(body.topics) || body.topics.length === 0) {
    throw new RivuletError("invalid_request", `the body must be {"topics":["name", ...]}`);
  }
  if (body.topics.length > limits.topicsMax) throw new RivuletError("invalid_request", `at most ${limits.topicsMax} topics`);
  for (const topic of body.topics) validateTopicName(topic);
  const topics = [...new Set(body.topics as string[])];
  const reset = body["auto.offset.reset"] ?? body.auto_offset_reset ?? "earliest";
  if (reset !== "earliest" && reset !== "latest") throw new RivuletError("invalid_request", `auto.offset.reset must be "earliest" or "latest"`);
  const timeout = body.session_timeout_ms ?? limits.sessionTimeoutMsDefault;
  if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < limits.sessionTimeoutMsMin || timeout > limits.sessionTimeoutMsMax) {
    throw new RivuletError("invalid_request", `session_timeout_ms must be an integer from ${limits.sessionTimeoutMsMin} to ${limits.sessionTimeoutMsMax}`);
  }
  const assignor = body.assignor;
  if (assignor !== undefined && assignor !== "range" && assignor !== "roundrobin") {
    throw new RivuletError("invalid_request", `assignor must be "range" or "roundrobin"`);
  }
  const clientId = body.client_id;
  if (clientId !== undefined && (typeof clientId !== "string" || clientId.length > 255)) {
    throw new RivuletError("invalid_request", "client_id must be a string of at most 255 characters");
  }
  return { topics, reset, sessionTimeoutMs: timeout, assignor, clientId };
}

/**
 * Parses `{"offsets":[{"topic","partition","offset"}]}`; an absent or empty body gives null
 * (commit the member's current positions).
 *
 * @throws {RivuletError} `invalid_request`, `invalid_topic_name`, `invalid_offset`
 */
export function parseCommit(body: unknown): OffsetCommitEntry[] | null {
  if (body === undefined || (isPlainObject(body) && body.offsets === undefined)) return null;
  if (!isPlainObject(body) || !Array.isArray(body.offsets)) throw new RivuletError("invalid_request", `the body must be {"offsets":[{"topic","partition","offset"}]}`);
  return body.offsets.map((entry, i): OffsetCommitEntry => {
    if (!isPlainObject(entry)) throw new RivuletError("invalid_request", `offsets[${i}] must be {"topic","partition","offset"}`);
    validateTopicName(entry.topic);
    const { partition, offset } = entry;
    if (typeof partition !== "number" || !Number.isInteger(partition) || partition < 0 || partition > 0x7fffffff) {
      throw new RivuletError("invalid_request", `offsets[${i}].partition must be a non-negative integer`);
    }
    if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) {
      throw new RivuletError("invalid_offset", `offsets[${i}].offset must be a non-negative integer`);
    }
    const metadata = typeof entry.metadata === "string" ? entry.metadata.slice(0, 4096) : null;
    return { topic: entry.topic, partition, offset, metadata };
  });
}
