/**
 * Topic configs that the cluster acts on rather than the local log: they are stored in the
 * topic's record in etcd with the others, checked here, and left out of the config each broker
 * opens its local replica with (the local broker does not know them).
 */
import { RivuletError } from "../../core/errors.ts";

/** Kafka's `unclean.leader.election.enable`: elect a replica outside the ISR rather than stay leaderless. */
export const uncleanElectionKey = "unclean.leader.election.enable";

const clusterKeys = new Set([uncleanElectionKey]);

/**
 * Splits raw topic config into what the local broker checks and what the cluster keeps, every
 * value as a string (etcd stores strings; the local checks accept them).
 *
 * @throws {RivuletError} `invalid_config` for a bad cluster-level value
 */
export function splitTopicConfig(raw: Record<string, unknown>): { local: Record<string, string>; stored: Record<string, string> } {
  const local: Record<string, string> = {};
  const stored: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean")) {
      throw new RivuletError("invalid_config", `config ${key.slice(0, 100)} must be a string, number or boolean`, { key: key.slice(0, 100) });
    }
    const text = String(value);
    if (key === uncleanElectionKey && text !== "true" && text !== "false") {
      throw new RivuletError("invalid_config", `config ${key} must be true or false, got ${JSON.stringify(text.slice(0, 100))}`, { key });
    }
    stored[key] = text;
    if (!clusterKeys.has(key)) local[key] = text;
  }
  return { local, stored };
}

/** The part of a stored topic config the local broker opens its replica with. */
export function localTopicConfig(stored: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(stored).filter(([key]) => !clusterKeys.has(key)));
}

/** Whether the topic allows unclean leader election. */
export function allowsUncleanElection(stored: Record<string, string>): boolean {
  return stored[uncleanElectionKey] === "true";
}
