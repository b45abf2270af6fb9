/**
 * A frame of a connection that must authenticate and has not yet: only ApiVersions and the SASL
 * exchange are answered ({@link ConnectionAuth} says which), anything else closes the
 * connection, as Kafka does. After a SaslHandshake v0 the frames are raw SASL tokens and are
 * answered raw; a failure there closes the connection without an answer (v0 has no way to carry
 * one). A failed SaslAuthenticate is answered with SASL_AUTHENTICATION_FAILED and its reason
 * after the failure throttle's delay, then the connection closes. On success the connection's
 * `principal` is set before any later frame is dispatched.
 */
import type { Principal } from "../../auth/rights.ts";
import { frameRaw, frameResponse, type FrameOutcome } from "../frame-response.ts";
import { apiVersionsResponse } from "../handlers/api-versions.ts";
import { apiKeys } from "../protocol/api-keys.ts";
import { decodeRequestBody, type DecodedRequest } from "../protocol/apis.ts";
import { kafkaErrors } from "../protocol/error-codes.ts";
import { decodeRequestHeader, type RequestHeader } from "../protocol/header.ts";
import { Reader } from "../protocol/reader.ts";
import type { ConnectionAuth, TokenOutcome } from "./connection-auth.ts";

const none = new Uint8Array(0);

function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** Frames the answer to a SaslAuthenticate request. */
async function authenticateReply(header: RequestHeader, version: number, outcome: TokenOutcome): Promise<FrameOutcome> {
  if (outcome.kind !== "failure") return frameResponse(header, "SaslAuthenticate", version, { errorCode: 0, errorMessage: null, authBytes: outcome.token, sessionLifetimeMs: 0 });
  await delay(outcome.delayMs);
  const reply = frameResponse(header, "SaslAuthenticate", version, { errorCode: outcome.errorCode, errorMessage: outcome.message, authBytes: none, sessionLifetimeMs: 0 });
  return { ...reply, close: true };
}

/** A raw token after a v0 handshake: answered raw, or the connection closes after the delay. */
async function rawToken(frame: Uint8Array, connection: { principal: Principal | null }, auth: ConnectionAuth): Promise<FrameOutcome> {
  const outcome = auth.token(frame);
  if (outcome.kind === "success") connection.principal = outcome.principal;
  if (outcome.kind !== "failure") return frameRaw(outcome.token);
  await delay(outcome.delayMs);
  return { kind: "close", reason: outcome.message };
}

/**
 * Handles one frame (without its size prefix) of a connection that has not authenticated.
 *
 * @param frame the request bytes, or a raw SASL token after a v0 handshake
 * @param connection the connection's context; its `principal` is set on success
 * @param auth the connection's SASL state
 * @returns the reply, or close
 */
export async function dispatchUnauthenticated(frame: Uint8Array, connection: { principal: Principal | null }, auth: ConnectionAuth): Promise<FrameOutcome> {
  if (auth.expectsRawToken) return rawToken(frame, connection, auth);
  const reader = new Reader(frame);
  let header: RequestHeader;
  let decoded: DecodedRequest | undefined;
  try {
    header = decodeRequestHeader(reader);
    if (!auth.admits(header.apiKey)) return { kind: "close", reason: `api key ${header.apiKey} before SASL authentication` };
    decoded = decodeRequestBody(header.apiKey, header.apiVersion, reader);
  } catch (error) {
    return { kind: "close", reason: `malformed request: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!decoded) {
    if (header.apiKey === apiKeys.ApiVersions) return frameResponse(header, "ApiVersions", 0, apiVersionsResponse(kafkaErrors.UNSUPPORTED_VERSION));
    return { kind: "close", reason: `unsupported api key ${header.apiKey} version ${header.apiVersion}` };
  }
  switch (decoded.api) {
    case "ApiVersions":
      return frameResponse(header, "ApiVersions", decoded.version, apiVersionsResponse(kafkaErrors.NONE));
    case "SaslHandshake": {
      const { errorCode, mechanisms, close } = auth.handshake(decoded.body.mechanism, decoded.version);
      return { ...frameResponse(header, "SaslHandshake", decoded.version, { errorCode, mechanisms }), close };
    }
    case "SaslAuthenticate": {
      const outcome = auth.token(decoded.body.authBytes);
      if (outcome.kind === "success") connection.principal = outcome.principal;
      return authenticateReply(header, decoded.version, outcome);
    }
    default:
      return { kind: "close", reason: `api key ${header.apiKey} before SASL authentication` };
  }
}
