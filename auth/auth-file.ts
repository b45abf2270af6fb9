import { readFile } from "node:fs/promises";
import { type AuthConfig, parseAuthConfig } from "./auth-config.ts";

/**
 * Where in `text` a JSON parser's message points, as " at line L, column C", or "". Only the
 * position is kept: parsers quote the text around the error, which may be a token.
 */
function jsonErrorPlace(text: string, message: string): string {
  const match = /position (\d+)/.exec(message);
  if (!match) return "";
  const before = text.slice(0, Number(match[1]));
  const line = before.split("\n").length;
  return ` at line ${line}, column ${before.length - before.lastIndexOf("\n")}`;
}

/**
 * Reads and checks an auth file (see `auth-config.ts` for the format). Every failure is one
 * line that starts with `auth file <path>:` and never quotes the file's content, so it can be
 * shown to an operator as it is without leaking a token.
 *
 * @param path the file's path
 * @returns the checked config
 * @throws {TypeError} when the file cannot be read, is not valid JSON or not a valid auth config
 * @example
 * ```ts
 * const auth = await loadAuthFile("./auth.json");
 * createApp(broker, { auth });
 * ```
 */
export async function loadAuthFile(path: string): Promise<AuthConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable";
    throw new TypeError(`auth file ${path}: cannot be read (${code === "ENOENT" ? "no such file" : code})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`auth file ${path}: not valid JSON${jsonErrorPlace(text, (error as Error).message)}`);
  }
  try {
    return parseAuthConfig(raw);
  } catch (error) {
    throw new TypeError(`auth file ${path}: ${(error as Error).message}`);
  }
}
