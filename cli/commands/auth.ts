/**
 * `rivulet auth scram NAME`: the auth-file entry of a principal with its secret pre-hashed, so
 * the file on the server holds no token in clear. The token is read from standard input (one
 * line), never from the command line, so it does not land in shell history or `ps`.
 */
import { Buffer } from "node:buffer";
import { parseArgs } from "node:util";
import { parseAuthConfig, scramIterationsMin, type TokenEntry } from "../../auth/auth-config.ts";
import { deriveScramCredential, scramIterationsDefault, scramMechanisms, tokenSha256 } from "../../auth/scram-credential.ts";
import { CliError } from "../cli-error.ts";

export const authHelp = `rivulet auth — make auth-file entries

Usage:
  rivulet auth scram NAME [--iterations N]  < token

Reads the principal's token (its bearer token and SASL password) as one line of standard input
and prints its auth-file entry with the secret pre-hashed: "token_sha256" (bearer tokens and
SASL PLAIN) and "scram" credentials for SCRAM-SHA-256 and SCRAM-SHA-512 (random salt, PBKDF2
iterations). Put the entry in the file's "tokens" array and fill in its "rights".

  --iterations N   PBKDF2 iterations, at least ${scramIterationsMin} (default ${scramIterationsDefault})

Example:
  read -rs TOKEN && printf '%s\\n' "$TOKEN" | rivulet auth scram billing`;

/** Most bytes read from standard input for the token line. */
export const tokenInputBytesMax = 4096;
/** Most PBKDF2 iterations accepted (what the auth file accepts). */
const iterationsMax = 10_000_000;

/** Reads standard input up to its end, at most {@link tokenInputBytesMax} bytes. */
async function readStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    if (bytes > tokenInputBytesMax) throw new CliError(`the token on standard input must be one line of at most ${tokenInputBytesMax} bytes`, 2);
    chunks.push(chunk);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** The one line of standard input: its line ending dropped, nothing after it but blank lines. */
function tokenLine(input: string): string {
  const [first, ...rest] = input.split(/\r?\n/);
  if (rest.some((line) => line.trim() !== "")) throw new CliError("standard input must hold the token on one line, and nothing else", 2);
  if (first === "") throw new CliError("no token on standard input (pipe it in: printf '%s\\n' \"$TOKEN\" | rivulet auth scram NAME)", 2);
  return first;
}

function parseIterations(raw: string): number {
  const n = /^\d{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= scramIterationsMin && n <= iterationsMax)) throw new CliError(`--iterations takes an integer from ${scramIterationsMin} to ${iterationsMax}`, 2);
  return n;
}

/**
 * The pre-hashed entry of `name` for `token`.
 *
 * @param name the principal's name
 * @param token its secret in clear
 * @param iterations PBKDF2 iterations of both SCRAM credentials
 * @returns the entry, with no rights
 * @throws {TypeError} when the name or token would not pass the auth file's checks
 */
export function scramEntry(name: string, token: string, iterations: number): TokenEntry {
  parseAuthConfig({ tokens: [{ name, token, rights: [] }] });
  const scram = Object.fromEntries(scramMechanisms.map((m) => [m, deriveScramCredential(m, token, undefined, iterations)]));
  const entry: TokenEntry = { name, token_sha256: tokenSha256(token), scram, rights: [] };
  parseAuthConfig({ tokens: [entry] });
  return entry;
}

async function scramCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { iterations: { type: "string", default: String(scramIterationsDefault) } },
  });
  if (positionals.length !== 1) throw new CliError(`give one NAME\n\n${authHelp}`, 2);
  const iterations = parseIterations(values.iterations!);
  if (process.stdin.isTTY) process.stderr.write(`token for ${positionals[0]} (one line; it is echoed, prefer a pipe): `);
  const token = tokenLine(await readStdin());
  let entry: TokenEntry;
  try {
    entry = scramEntry(positionals[0], token, iterations);
  } catch (error) {
    // The checks name the field, never its value; "tokens[0]." is this entry.
    throw new CliError((error as Error).message.replace(/^tokens\[0\]\.?/, ""), 2);
  }
  console.log(JSON.stringify(entry));
  return 0;
}

/** `rivulet auth …` */
export async function authCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === "scram") return await scramCommand(rest);
  throw new CliError(`${verb === undefined ? "give a subcommand" : `unknown subcommand ${verb}`}\n\n${authHelp}`, 2);
}
