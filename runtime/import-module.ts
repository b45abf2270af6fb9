import { runtimeName } from "./runtime-name.ts";

/**
 * Imports a module by URL, TypeScript included: Bun and Deno import `.ts` themselves; Node 20
 * needs a loader, so when the process was not started with one (the built package's CLI), tsx's
 * is registered once (when installed) and the import retried.
 *
 * @param url absolute `file:` URL
 * @returns the module namespace
 * @throws what the import throws (a missing file, a syntax error, no loader for TypeScript)
 * @example
 * ```ts
 * const topology = (await importModule(new URL("./my-app.ts", import.meta.url).href)).default;
 * ```
 */
export async function importModule(url: string): Promise<Record<string, unknown>> {
  try {
    return await import(url);
  } catch (error) {
    if (runtimeName !== "node" || (error as { code?: string }).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
    const { register } = await import("tsx/esm/api");
    register();
    // Node caches the failed import under its URL: ask again under another one.
    return await import(`${url}${url.includes("?") ? "&" : "?"}loader=tsx`);
  }
}
