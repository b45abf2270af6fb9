/**
 * A broker on a fresh temporary data directory behind `serve()`, for programs that run a
 * Rivulet server as a child process (benchmarks, the conformance suite). `stop()` closes the
 * server and broker, removes the directory and exits; SIGINT and SIGTERM call it.
 */
import { Broker } from "../../transactions/broker.ts";
import { serve, type Server, type ServeOptions } from "../../server/serve.ts";
import { onShutdownSignal } from "../../runtime/shutdown-signals.ts";
import { tempDir } from "./temp-dir.ts";

export interface TempServer {
  broker: Broker;
  server: Server;
  /** Closes everything, removes the data directory and exits the process with 0. */
  stop(): Promise<void>;
}

/**
 * @param prefix name prefix of the temporary data directory
 * @param options passed to `serve()` (default port 0 on 127.0.0.1)
 */
export async function startTempServer(prefix: string, options: ServeOptions = {}): Promise<TempServer> {
  const data = tempDir(prefix);
  const broker = await Broker.open({ dataDir: data.dir });
  const server = await serve(broker, { host: "127.0.0.1", port: 0, ...options });
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await broker.close();
    data.remove();
    process.exit(0);
  };
  onShutdownSignal(() => void stop());
  return { broker, server, stop };
}
