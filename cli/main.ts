/**
 * The `rivulet` command line: `serve`, `topics`, `produce`, `consume`, `process`, `bench`, `auth`,
 * `dev-cluster`, `cluster`.
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */
import { isRivuletError } from "../core/errors.ts";
import { CliError } from "./cli-error.ts";

const usage = `rivulet — an event streaming platform in the line of Apache Kafka

Usage: rivulet <command> [options]

Commands:
  serve       run a server on a local data directory (HTTP API, optional Kafka listener)
  topics      create, list, describe and delete topics
  produce     write one record per line of standard input
  consume     print a topic's records
  process     run a stream-processing topology module (embedded, on a local data directory)
  bench       measure Rivulet (and peers) on this machine
  auth        make auth-file entries (rivulet auth scram NAME: a token pre-hashed)
  dev-cluster start etcd and N brokers on this machine, for trying a cluster
  cluster     describe a cluster (brokers, controller, leaders, ISR); rebalance it; drain a broker

Run \`rivulet <command> --help\` for a command's options.`;

/** A command, loaded only when named: `rivulet produce` never loads the server or the broker. */
type CommandLoader = () => Promise<{ run: (argv: string[]) => Promise<number>; help: string }>;

const commands: Record<string, CommandLoader> = {
  serve: async () => import("./commands/serve.ts").then((m) => ({ run: m.serveCommand, help: m.serveHelp })),
  topics: async () => import("./commands/topics.ts").then((m) => ({ run: m.topicsCommand, help: m.topicsHelp })),
  produce: async () => import("./commands/produce.ts").then((m) => ({ run: m.produceCommand, help: m.produceHelp })),
  consume: async () => import("./commands/consume.ts").then((m) => ({ run: m.consumeCommand, help: m.consumeHelp })),
  process: async () => import("./commands/process.ts").then((m) => ({ run: m.processCommand, help: m.processHelp })),
  bench: async () => import("./commands/bench.ts").then((m) => ({ run: m.benchCommand, help: m.benchHelp })),
  auth: async () => import("./commands/auth.ts").then((m) => ({ run: m.authCommand, help: m.authHelp })),
  "dev-cluster": async () => import("./commands/dev-cluster.ts").then((m) => ({ run: m.devClusterCommand, help: m.devClusterHelp })),
  cluster: async () => import("./commands/cluster.ts").then((m) => ({ run: m.clusterCommand, help: m.clusterHelp })),
};

/**
 * Runs the CLI.
 *
 * @param argv arguments after the program name
 * @returns the exit code
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage);
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!load) {
    console.error(`rivulet: unknown command ${name}\n\n${usage}`);
    return 2;
  }
  const command = await load();
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`rivulet ${name}: ${error.message}`);
      return error.exitCode;
    }
    if (isRivuletError(error)) {
      console.error(`rivulet ${name}: ${error.code}: ${error.message}`);
      return 1;
    }
    if (error instanceof TypeError && (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      console.error(`rivulet ${name}: ${error.message}\n\n${command.help}`);
      return 2;
    }
    console.error(`rivulet ${name}: ${(error as Error).stack ?? error}`);
    return 1;
  }
}
