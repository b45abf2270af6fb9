/**
 * The `rivulet` command line: `serve`, `topics`, `produce`, `consume`, `bench`, `auth`.
 * Exit codes: 0 success, 1 failure, 2 usage error.
 */
import { isRivuletError } from "../core/errors.ts";
import { CliError } from "./cli-error.ts";
import { serveCommand, serveHelp } from "./commands/serve.ts";
import { topicsCommand, topicsHelp } from "./commands/topics.ts";
import { produceCommand, produceHelp } from "./commands/produce.ts";
import { consumeCommand, consumeHelp } from "./commands/consume.ts";
import { benchCommand, benchHelp } from "./commands/bench.ts";
import { authCommand, authHelp } from "./commands/auth.ts";

const usage = `rivulet — an event streaming platform in the line of Apache Kafka

Usage: rivulet <command> [options]

Commands:
  serve       run a server on a local data directory (HTTP API, optional Kafka listener)
  topics      create, list, describe and delete topics
  produce     write one record per line of standard input
  consume     print a topic's records
  bench       measure Rivulet (and peers) on this machine
  auth        make auth-file entries (rivulet auth scram NAME: a token pre-hashed)

Run \`rivulet <command> --help\` for a command's options.`;

const commands: Record<string, { run: (argv: string[]) => Promise<number>; help: string }> = {
  serve: { run: serveCommand, help: serveHelp },
  topics: { run: topicsCommand, help: topicsHelp },
  produce: { run: produceCommand, help: produceHelp },
  consume: { run: consumeCommand, help: consumeHelp },
  bench: { run: benchCommand, help: benchHelp },
  auth: { run: authCommand, help: authHelp },
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
  const command = commands[name];
  if (!command) {
    console.error(`rivulet: unknown command ${name}\n\n${usage}`);
    return 2;
  }
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
