/**
 * A follower's SASL login on its leader's Kafka listener (SaslHandshake v1, then SaslAuthenticate
 * v1 frames): PLAIN, or SCRAM-SHA-256/512 (RFC 5802, no channel binding). The password never
 * leaves this function except inside the mechanism's own messages; errors never quote it.
 */
import { randomBytes, pbkdf2Sync, timingSafeEqual } from "node:crypto";
import { RivuletError } from "../../core/errors.ts";
import { scramHash, scramHmac, scramDigest } from "../../auth/scram-credential.ts";
import type { ReplicationCredentials } from "../../cluster/replication/leader-connection.ts";
import { apiKeys } from "../protocol/api-keys.ts";
import type { LeaderSocket } from "./leader-socket.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Authenticates `socket` with `credentials`.
 * @throws {RivuletError} `unauthorized` when the leader refuses; `partition_unavailable`, `timeout` on connection trouble
 */
export async function saslLogin(socket: LeaderSocket, credentials: ReplicationCredentials, timeoutMs: number): Promise<void> {
  const handshake = await socket.request(apiKeys.SaslHandshake, 1, (w) => w.string(credentials.mechanism), timeoutMs);
  const code = handshake.int16();
  if (code !== 0) throw new RivuletError("unauthorized", `the leader refused SASL mechanism ${credentials.mechanism} (Kafka error ${code})`);
  if (credentials.mechanism === "PLAIN") {
    await exchange(socket, encoder.encode(`\u0000${credentials.username}\u0000${credentials.password}`), timeoutMs);
    return;
  }
  await scramLogin(socket, credentials as ReplicationCredentials & { mechanism: "SCRAM-SHA-256" | "SCRAM-SHA-512" }, timeoutMs);
}

/** One SaslAuthenticate round trip: the server's bytes back, or `unauthorized`. */
async function exchange(socket: LeaderSocket, bytes: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
  const reader = await socket.request(apiKeys.SaslAuthenticate, 1, (w) => w.bytes(bytes), timeoutMs);
  const code = reader.int16();
  const message = reader.nullableString();
  const answer = reader.bytes();
  if (code !== 0) throw new RivuletError("unauthorized", `the leader refused the replication login: ${message ?? `Kafka error ${code}`}`);
  return answer;
}

async function scramLogin(socket: LeaderSocket, credentials: { mechanism: "SCRAM-SHA-256" | "SCRAM-SHA-512"; username: string; password: string }, timeoutMs: number): Promise<void> {
  const { mechanism } = credentials;
  const nonce = randomBytes(24).toString("base64");
  const clientFirstBare = `n=${credentials.username.replaceAll("=", "=3D").replaceAll(",", "=2C")},r=${nonce}`;
  const serverFirst = decoder.decode(await exchange(socket, encoder.encode(`n,,${clientFirstBare}`), timeoutMs));
  const fields = new Map(serverFirst.split(",").map((kv) => [kv.slice(0, 1), kv.slice(2)]));
  const serverNonce = fields.get("r") ?? "";
  const salt = Buffer.from(fields.get("s") ?? "", "base64");
  const iterations = Number(fields.get("i"));
  if (!serverNonce.startsWith(nonce) || salt.length === 0 || !Number.isSafeInteger(iterations) || iterations < 1) {
    throw new RivuletError("unauthorized", "the leader's SCRAM challenge is malformed");
  }
  const hash = scramHash(mechanism);
  const salted = pbkdf2Sync(credentials.password, salt, iterations, hash === "sha256" ? 32 : 64, hash);
  const clientKey = scramHmac(mechanism, salted, "Client Key");
  const storedKey = scramDigest(mechanism, clientKey);
  const withoutProof = `c=biws,r=${serverNonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
  const signature = scramHmac(mechanism, storedKey, authMessage);
  const proof = clientKey.map((b, i) => b ^ signature[i]);
  const serverFinal = decoder.decode(await exchange(socket, encoder.encode(`${withoutProof},p=${Buffer.from(proof).toString("base64")}`), timeoutMs));
  const serverKey = scramHmac(mechanism, salted, "Server Key");
  const expected = scramHmac(mechanism, serverKey, authMessage);
  const got = Buffer.from(serverFinal.startsWith("v=") ? serverFinal.slice(2) : "", "base64");
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new RivuletError("unauthorized", "the leader's SCRAM signature does not verify");
}
