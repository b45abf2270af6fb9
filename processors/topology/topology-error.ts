import { RivuletError } from "../../core/errors.ts";

/**
 * Why a topology was refused at `topology()` time. Each is a stable `info.reason` under the
 * stable code `invalid_config`, so callers can tell them apart without parsing messages.
 */
export type TopologyProblem =
  | "unknown_serde"
  | "duplicate_store"
  | "duplicate_source"
  | "duplicate_repartition"
  | "not_copartitioned"
  | "invalid_window"
  | "invalid_duration"
  | "invalid_option";

/**
 * A RivuletError (`invalid_config`, not retriable) for a topology that cannot run.
 *
 * @param reason the stable reason, also in `info.reason`
 * @param message a sentence for people
 * @param details more structured facts
 */
export function topologyError(reason: TopologyProblem, message: string, details: Record<string, unknown> = {}): RivuletError {
  return new RivuletError("invalid_config", message, { ...details, reason });
}
