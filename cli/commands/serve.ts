import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Broker } from "../../transactions/broker.ts";
import type { AuthConfig } from "../../auth/auth-config.ts";
import { loadAuthFile } from "../../auth/auth-file.ts";
import { CliError } from "../cli-error.ts";
import { interBrokerIdentity } from "../../server/inter-broker-identity.ts";
import { onShutdownSignal } from "../../runtime/shutdown-signals.ts";

export const serveHelp = `rivulet serve — run a Rivulet server (HTTP API, optional Kafka listener)

Usage: rivulet serve [options]

  --data-dir DIR         where logs and metadata live (default ./data)
  --host HOST            address to bind (default 127.0.0.1)
  --port N               HTTP port (default 8080; 0 picks a free one)
  --kafka-port N         also speak the Kafka protocol on this port
  --max-workers N        worker threads hosting partitions
  --auth-file FILE       principals, their secrets and rights (JSON; see rivulet auth --help)
  --tls-cert FILE        serve HTTPS, and Kafka over TLS, with this certificate (PEM) ...
  --tls-key FILE         ... and this key (PEM)
  --auto-create-topics   create unknown topics on first produce
  --etcd URL             join a cluster coordinated by this etcd (comma-separated URLs); needs
                         --broker-id and --kafka-port
  --broker-id N          this broker's id in the cluster (0 to 2147483647)
  --cluster-name NAME    the cluster's name in etcd (default "default")
  --advertised-host HOST the host other brokers and clients reach this one at (default --host)
  --inter-broker-user NAME
                         with --auth-file and --etcd (required then): the auth file's principal
                         brokers use with each other (replica fetches over SASL SCRAM-SHA-512,
                         Durable Streams calls as a bearer token); it needs a clear "token" and
                         the right {"access":"admin","topics":"*"}

Stops gracefully on SIGINT or SIGTERM: in-flight requests finish and every log is flushed.`;

/** `rivulet serve`: opens the broker on a data directory and serves until a signal. */
export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      "data-dir": { type: "string", default: "./data" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8080" },
      "kafka-port": { type: "string" },
      "max-workers": { type: "string" },
      "auth-file": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "auto-create-topics": { type: "boolean", default: false },
      etcd: { type: "string" },
      "broker-id": { type: "string" },
      "cluster-name": { type: "string" },
      "advertised-host": { type: "string" },
      "inter-broker-user": { type: "string" },
    },
  });
  const cluster = clusterFlags(values);
  const port = toPort(values.port!, "--port");
  const kafkaPort = values["kafka-port"] === undefined ? undefined : toPort(values["kafka-port"], "--kafka-port");
  if (Boolean(values["tls-cert"]) !== Boolean(values["tls-key"])) throw new CliError("--tls-cert and --tls-key go together", 2);
  const maxWorkers = values["max-workers"] === undefined ? undefined : Number(values["max-workers"]);
  if (maxWorkers !== undefined && !(Number.isInteger(maxWorkers) && maxWorkers > 0)) throw new CliError("--max-workers takes a positive integer", 2);
  const auth = values["auth-file"] === undefined ? undefined : await readAuthFile(values["auth-file"]);
  const interBrokerUser = values["inter-broker-user"];
  if (interBrokerUser !== undefined && !cluster) throw new CliError("--inter-broker-user needs --etcd", 2);
  if (interBrokerUser !== undefined && !auth) throw new CliError("--inter-broker-user needs --auth-file: without auth brokers need no credentials", 2);
  if (cluster && auth) {
    try {
      interBrokerIdentity(auth, interBrokerUser);
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
  }
  const tls = values["tls-cert"] ? { cert: readPem(values["tls-cert"], "--tls-cert"), key: readPem(values["tls-key"]!, "--tls-key") } : undefined;
  const dataDir = resolve(values["data-dir"]!);
  // The server's modules load while the broker's first workers boot (on another core).
  const [opened, loaded] = await Promise.allSettled([Broker.open({ dataDir, maxWorkers, autoCreateTopics: values["auto-create-topics"], transactionCoordination: cluster ? "cluster" : "standalone" }), import("../../server/serve.ts")]);
  if (opened.status === "rejected") throw opened.reason;
  const broker = opened.value;
  if (loaded.status === "rejected") {
    await broker.close();
    throw loaded.reason;
  }
  const { serve } = loaded.value;
  let server;
  try {
    server = await serve(broker, {
      host: values.host,
      port,
      kafkaPort,
      auth,
      autoCreateTopics: values["auto-create-topics"],
      tls,
      cluster: cluster && { ...cluster, interBrokerUser },
    });
  } catch (error) {
    await broker.close();
    throw error;
  }
  console.log(`rivulet: serving ${server.url} (data in ${dataDir})${kafkaPort !== undefined ? `, Kafka protocol on ${values.host}:${server.kafkaPort}` : ""}`);
  if (cluster) console.log(`rivulet: broker ${cluster.brokerId} in cluster "${cluster.name}" (etcd ${cluster.etcd.join(",")})`);
  await new Promise<void>((done) => {
    const off = onShutdownSignal((signal) => {
      console.log(`rivulet: ${signal}, shutting down`);
      off();
      done();
    });
  });
  await server.close();
  await broker.close();
  console.log("rivulet: stopped, every log flushed");
  return 0;
}

/** The cluster flags, checked together: `--etcd` needs `--broker-id` and `--kafka-port`; the others need `--etcd`. */
function clusterFlags(values: Record<string, string | boolean | undefined>): { etcd: string[]; brokerId: number; name: string; advertisedHost?: string } | undefined {
  const etcd = values.etcd as string | undefined;
  if (etcd === undefined) {
    for (const flag of ["broker-id", "cluster-name", "advertised-host"]) if (values[flag] !== undefined) throw new CliError(`--${flag} needs --etcd`, 2);
    return undefined;
  }
  const urls = etcd.split(",").map((u) => u.trim()).filter((u) => u !== "");
  for (const url of urls) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      // reported below
    }
    if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) throw new CliError(`--etcd takes http(s) URLs, e.g. http://127.0.0.1:2379, got ${JSON.stringify(url)}`, 2);
  }
  if (urls.length === 0) throw new CliError("--etcd takes at least one URL", 2);
  const rawId = values["broker-id"] as string | undefined;
  if (rawId === undefined) throw new CliError("--etcd needs --broker-id N", 2);
  const brokerId = /^\d{1,10}$/.test(rawId) ? Number(rawId) : NaN;
  if (!(brokerId <= 0x7fffffff)) throw new CliError(`--broker-id takes an integer from 0 to 2147483647, got ${JSON.stringify(rawId)}`, 2);
  if (values["kafka-port"] === undefined) throw new CliError("--etcd needs --kafka-port (replicas fetch over the Kafka listener)", 2);
  const name = (values["cluster-name"] as string | undefined) ?? "default";
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name) || name === "." || name === "..") throw new CliError(`--cluster-name must match [a-zA-Z0-9._-]{1,249}, got ${JSON.stringify(name)}`, 2);
  return { etcd: urls, brokerId, name, advertisedHost: values["advertised-host"] as string | undefined };
}

function toPort(raw: string, flag: string): number {
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`${flag} takes a port number from 0 to 65535`, 2);
  return port;
}

/**
 * The auth file, checked before anything starts.
 *
 * @throws {CliError} exit code 2, one line naming the file and the first problem (never its content)
 */
async function readAuthFile(path: string): Promise<AuthConfig> {
  try {
    return await loadAuthFile(path);
  } catch (error) {
    throw new CliError(error instanceof TypeError ? error.message : `auth file ${path}: cannot be read`, 2);
  }
}

/** A PEM file named by a flag; a missing or unreadable one is a usage error. */
function readPem(path: string, flag: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new CliError(`${flag} ${path}: cannot be read (${(error as { code?: string }).code ?? "unreadable"})`, 2);
  }
}
