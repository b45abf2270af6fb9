// vitest, for the Durable Streams conformance suite only (our own tests are uvu programs).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/durable-streams/conformance.vitest.mjs"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    fileParallelism: false,
    pool: "forks",
  },
});
