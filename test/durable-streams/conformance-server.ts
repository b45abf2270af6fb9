/**
 * A Rivulet server for the Durable Streams conformance suite: a broker on a fresh temporary
 * directory served by `serve()` on 127.0.0.1 (a free port), exactly as `rivulet serve` runs it.
 * Prints one JSON line `{"url": …}` once listening; SIGTERM closes the server and broker and
 * removes the directory.
 */
import { startTempServer } from "../support/temp-server.ts";

const { server } = await startTempServer("rivulet-ds-conformance-");
console.log(JSON.stringify({ url: server.url }));
