/**
 * SaslAuthenticate once no SASL exchange is due (no auth file, or already authenticated):
 * ILLEGAL_SASL_STATE (34), as Kafka answers. See `sasl-handshake.ts`.
 */
import type { HandlerContext } from "../handler-context.ts";
import { kafkaErrors } from "../protocol/error-codes.ts";
import type { SaslAuthenticateRequest, SaslAuthenticateResponse } from "../protocol/sasl-authenticate/types.ts";

export async function handleSaslAuthenticate(ctx: HandlerContext, _request: SaslAuthenticateRequest): Promise<SaslAuthenticateResponse> {
  const errorMessage = ctx.principal === null ? "this listener does not use SASL" : "the connection has already authenticated";
  return { errorCode: kafkaErrors.ILLEGAL_SASL_STATE, errorMessage, authBytes: new Uint8Array(0), sessionLifetimeMs: 0 };
}
