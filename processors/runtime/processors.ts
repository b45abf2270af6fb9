/**
 * `broker.processors`: the stream-processing apps running on one broker in this process.
 * `start(moduleUrl, options)` runs a topology module as an app (see processor-app.ts); at most
 * one app per app id runs at a time, and at most `processorAppsMax` apps.
 *
 * One registry per broker, made on first use ({@link processorsOf}); the HTTP API and metrics
 * read it through {@link runningProcessors} without creating one. The registry also makes
 * `broker.close()` stop its apps first (they write through the broker).
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { RivuletError } from "../../core/errors.ts";
import type { ProcessorBroker } from "./processor-broker.ts";
import type { ProcessorAppOptions, ProcessorsApi } from "../../broker/processors-api.ts";
import { ProcessorApp } from "./processor-app.ts";

/**
 * @example
 * ```ts
 * const app = await broker.processors.start(new URL("./word-count.ts", import.meta.url), { workers: 2 });
 * await app.stop();
 * ```
 */
export class Processors implements ProcessorsApi {
  readonly #broker: ProcessorBroker;
  readonly #apps = new Map<string, ProcessorApp>();
  #starting = 0;

  constructor(broker: ProcessorBroker) {
    this.#broker = broker;
  }

  /**
   * Starts a topology module (its default export) as an app.
   *
   * @param moduleUrl the module's URL (a `file:` URL), or its path (relative to the working directory)
   * @throws {RivuletError} `conflict` when an app with that id already runs here; `too_many_streams`
   *   past `processorAppsMax`; what {@link ProcessorApp.start} throws
   */
  async start(moduleUrl: URL | string, options: ProcessorAppOptions = {}): Promise<ProcessorApp> {
    const url = moduleUrl instanceof URL ? moduleUrl.href : /^[a-z][a-z0-9+.-]+:/i.test(moduleUrl) ? moduleUrl : pathToFileURL(resolve(moduleUrl)).href;
    if (this.#apps.size + this.#starting >= this.#broker.limits.processorAppsMax) {
      throw new RivuletError("too_many_streams", `this broker runs ${this.#broker.limits.processorAppsMax} processor apps already (processorAppsMax)`, { limit: "processorAppsMax" });
    }
    this.#starting++;
    try {
      let registered: string | null = null;
      const app = await ProcessorApp.start(this.#broker, url, options, () => {
        if (registered !== null && this.#apps.get(registered) === app) this.#apps.delete(registered);
      });
      if (this.#apps.has(app.appId)) {
        await app.stop();
        throw new RivuletError("conflict", `app ${app.appId} already runs on this broker`, { app: app.appId });
      }
      registered = app.appId;
      this.#apps.set(app.appId, app);
      return app;
    } finally {
      this.#starting--;
    }
  }

  /** A running app by id. */
  get(appId: string): ProcessorApp | undefined {
    return this.#apps.get(appId);
  }

  /** The running apps. */
  list(): ProcessorApp[] {
    return [...this.#apps.values()];
  }

  /** Stops every app. */
  async stopAll(): Promise<void> {
    await Promise.all(this.list().map((app) => app.stop()));
  }
}

const registries = new WeakMap<object, Processors>();

/** The broker's registry, made on first use (and `broker.close()` then stops its apps first). */
export function processorsOf(broker: ProcessorBroker): Processors {
  let processors = registries.get(broker);
  if (!processors) {
    processors = new Processors(broker);
    registries.set(broker, processors);
    const close = broker.close.bind(broker);
    const registry = processors;
    Object.defineProperty(broker, "close", { configurable: true, writable: true, value: async () => {
      await registry.stopAll();
      await close();
    } });
  }
  return processors;
}

/** The broker's registry if any app was ever started on it (for read-only surfaces). */
export function runningProcessors(broker: object): Processors | undefined {
  return registries.get(broker);
}
