/**
 * The identity brokers of a cluster use with each other when auth is on (`--inter-broker-user`),
 * as Kafka's inter-broker principal: one entry of the auth file, logged in with its clear token
 * (SASL on the Kafka listener for replica fetches, a bearer token on the HTTP port for Durable
 * Streams' reads and writes at other brokers). It must be cluster admin (`admin` on topics
 * `"*"`): leaders serve replica fetches only to cluster admins, and only it may name internal
 * topics on the inter-broker HTTP routes.
 *
 * Checked before the broker starts; messages name the user, never its token.
 */
import type { AuthConfig } from "../auth/auth-config.ts";
import { isClusterAdmin } from "../auth/rights.ts";
import type { ReplicationCredentials } from "../cluster/replication/leader-connection.ts";

/** The inter-broker principal's name and secret. */
export interface InterBrokerIdentity {
  name: string;
  /** The clear token: SASL password and HTTP bearer token. Never logged. */
  token: string;
}

/**
 * Finds and checks the inter-broker user in the auth file.
 *
 * @param config the auth file
 * @param name the `--inter-broker-user`, undefined when none was given
 * @returns the user's name and token
 * @throws {TypeError} one line: no user given, no such entry, no clear token, not cluster admin
 * @example
 * ```ts
 * const identity = interBrokerIdentity(await loadAuthFile("tokens.json"), "broker");
 * ```
 */
export function interBrokerIdentity(config: AuthConfig, name: string | undefined): InterBrokerIdentity {
  if (name === undefined) throw new TypeError(`a cluster with an auth file needs --inter-broker-user NAME: the auth file's principal brokers log in to each other with (cluster admin, a clear "token")`);
  const entry = config.tokens.find((t) => t.name === name);
  if (!entry) throw new TypeError(`--inter-broker-user ${JSON.stringify(name)}: no such principal in the auth file`);
  if (entry.token === undefined) throw new TypeError(`--inter-broker-user ${JSON.stringify(name)}: the auth file holds only pre-hashed credentials for it; a broker logs in with a clear "token"`);
  if (!isClusterAdmin({ name, rights: entry.rights })) throw new TypeError(`--inter-broker-user ${JSON.stringify(name)}: not cluster admin; it needs the right {"access":"admin","topics":"*"}`);
  return { name, token: entry.token };
}

/** The SASL login followers make with `identity` (SCRAM-SHA-512: every listener derives it for clear tokens). */
export function replicationCredentials(identity: InterBrokerIdentity): ReplicationCredentials {
  return { mechanism: "SCRAM-SHA-512", username: identity.name, password: identity.token };
}

/** The `Authorization` header of inter-broker HTTP calls. */
export function interBrokerAuthorization(identity: InterBrokerIdentity): string {
  return `Bearer ${identity.token}`;
}
