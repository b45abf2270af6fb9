import { readFile } from "node:fs/promises";
import { type AuthConfig, parseAuthConfig } from "./auth-config.ts";

/**
 * Reads and checks an auth file (see `auth-config.ts` for the format).
 *
 * @param path the file's path
 * @returns the checked config
 * @throws {TypeError} when the file is not valid JSON or not a valid auth config
 * @example
 * ```ts
 * const auth = await loadAuthFile("./auth.json");
 * createApp(broker, { auth });
 * ```
 */
export async function loadAuthFile(path: string): Promise<AuthConfig> {
  const text = await readFile(path, "utf8");
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`auth file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  return parseAuthConfig(raw);
}
