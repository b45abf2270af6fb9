/**
 * The idempotent-produce headers of `POST /v1/topics/{topic}/records`: `Producer-Id`,
 * `Producer-Epoch` and `Producer-Seq`, all three or none (the same names the Durable Streams
 * door uses). Values are decimal integers without sign, leading zeros, fraction or exponent:
 * the id and epoch as `POST /v1/producers` handed them out, the sequence numbering the
 * producer's requests to the topic from 0.
 */
import { RivuletError } from "../../core/errors.ts";

/** A request's producer identity. */
export interface ProducerHeaders {
  producerId: number;
  producerEpoch: number;
  sequence: number;
}

const DECIMAL = /^(0|[1-9]\d{0,15})$/;

function integer(raw: string, header: string, max: number): number {
  const value = DECIMAL.test(raw) ? Number(raw) : Number.NaN;
  if (!(value <= max)) {
    throw new RivuletError("invalid_request", `${header} must be an integer from 0 to ${max}, got ${JSON.stringify(raw.slice(0, 40))}`, { header });
  }
  return value;
}

/**
 * Reads the producer headers.
 *
 * @param headers the request's headers
 * @returns the identity, or null when none of the three is present
 * @throws {RivuletError} `invalid_request` when only some are present or one is malformed
 * @example
 * ```ts
 * parseProducerHeaders(new Headers({ "producer-id": "7", "producer-epoch": "0", "producer-seq": "3" }));
 * // { producerId: 7, producerEpoch: 0, sequence: 3 }
 * ```
 */
export function parseProducerHeaders(headers: Headers): ProducerHeaders | null {
  const id = headers.get("producer-id");
  const epoch = headers.get("producer-epoch");
  const seq = headers.get("producer-seq");
  if (id === null && epoch === null && seq === null) return null;
  if (id === null || epoch === null || seq === null) {
    throw new RivuletError("invalid_request", "Producer-Id, Producer-Epoch and Producer-Seq must be given together");
  }
  return {
    producerId: integer(id.trim(), "Producer-Id", Number.MAX_SAFE_INTEGER),
    producerEpoch: integer(epoch.trim(), "Producer-Epoch", 0x7fff),
    sequence: integer(seq.trim(), "Producer-Seq", Number.MAX_SAFE_INTEGER),
  };
}
