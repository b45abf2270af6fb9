/**
 * The one error a Kafka protocol decoder throws: the request is malformed (truncated, a length
 * or count that does not fit the frame, a null where none is allowed). Its code is
 * `invalid_request`, which `kafkaErrorCode()` maps to Kafka's INVALID_REQUEST (42).
 */
import { RivuletError } from "../../core/errors.ts";

/**
 * A malformed Kafka request or response.
 *
 * @example
 * ```ts
 * throw new ProtocolDecodeError("string length 900 exceeds the 12 bytes left", { offset: 40 });
 * ```
 */
export class ProtocolDecodeError extends RivuletError {
  override name = "ProtocolDecodeError";

  /**
   * @param message what was wrong, for people
   * @param details where (`offset`) and what (`need`, `left`, …), for programs
   */
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("invalid_request", message, details);
  }
}

/** True when `error` is a {@link ProtocolDecodeError}. */
export function isProtocolDecodeError(error: unknown): error is ProtocolDecodeError {
  return error instanceof ProtocolDecodeError;
}
