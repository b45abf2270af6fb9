// The Durable Streams protocol's public conformance suite, run by vitest against the server
// named in CONFORMANCE_TEST_URL (see conformance.mjs).
import { runConformanceTests } from "@durable-streams/server-conformance-tests";

const baseUrl = process.env.CONFORMANCE_TEST_URL;
if (!baseUrl) throw new Error("CONFORMANCE_TEST_URL is not set: run test/durable-streams/conformance.mjs");
runConformanceTests({ baseUrl });
