/**
 * Rivulet's web console: pages at `/console` over the HTTP API, served by the app itself.
 *
 * @example
 * ```ts
 * import { consoleMount } from "./console/mod.ts";
 * const app = createApp(broker, { mounts: [consoleMount(broker)] });
 * ```
 * @module
 */
export * from "./create-console-app.ts";
export * from "./console-mount.ts";
export * from "./options.ts";
