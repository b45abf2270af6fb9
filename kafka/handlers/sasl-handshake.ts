/**
 * SaslHandshake once no SASL exchange is due: on a listener without an auth file, or on a
 * connection that has already authenticated. Kafka answers ILLEGAL_SASL_STATE (34) in both
 * cases (re-authentication is not offered), and so does Rivulet. The exchange itself, before
 * authentication, is `kafka/sasl/`'s: dispatch routes SASL requests there until it succeeds.
 */
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrors } from "../protocol/error-codes.ts";
import type { SaslHandshakeRequest, SaslHandshakeResponse } from "../protocol/sasl-handshake/types.ts";

export async function handleSaslHandshake(_ctx: HandlerContext, _request: SaslHandshakeRequest): Promise<SaslHandshakeResponse> {
  return { errorCode: kafkaErrors.ILLEGAL_SASL_STATE, mechanisms: [] };
}
