/**
 * `rivulet serve --etcd … --auth-file …` checks its inter-broker user before anything starts:
 * missing, unknown, pre-hashed only (a broker cannot log in with a hash) or not cluster admin
 * is one line on stderr and exit code 2, never printing a token; and `--inter-broker-user`
 * without `--etcd` or without `--auth-file` is refused the same way. The checks come before
 * the broker opens its data directory or reaches etcd (nothing listens at the etcd URL given).
 * serve() itself refuses the same inter-broker users with a TypeError.
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../support/cli-process.ts";
import { tempDir } from "../support/temp-dir.ts";
import { tokenSha256 } from "../../auth/scram-credential.ts";
import type { AuthConfig } from "../../auth/auth-config.ts";
import { Broker } from "../../groups/broker.ts";
import { serve } from "../../server/serve.ts";

const secrets = { broker: "inter-broker-secret-1", reader: "reader-secret-token", hashed: "hashed-secret-token" };
const tokens = {
  tokens: [
    { name: "broker", token: secrets.broker, rights: [{ access: "admin", topics: "*" }] },
    { name: "reader", token: secrets.reader, rights: [{ access: "read", topics: "*" }, { access: "admin", topics: "orders" }] },
    { name: "hashed", token_sha256: tokenSha256(secrets.hashed), rights: [{ access: "admin", topics: "*" }] },
  ],
};

const files = tempDir("rivulet-cauth-cli-");
const authFile = join(files.dir, "tokens.json");
writeFileSync(authFile, JSON.stringify(tokens));
const dataDir = join(files.dir, "data");

/** `rivulet serve` with the cluster flags (etcd at a port nothing listens on) and `extra`. */
function serveWith(extra: string[], cluster = true) {
  const clusterFlags = cluster ? ["--etcd", "http://127.0.0.1:9", "--broker-id", "1", "--kafka-port", "0"] : [];
  return runCli(["serve", "--port", "0", "--data-dir", dataDir, ...clusterFlags, ...extra]);
}

const cases: Array<[string, string[], boolean, RegExp]> = [
  ["an auth file in a cluster without --inter-broker-user", ["--auth-file", authFile], true, /needs --inter-broker-user NAME/],
  ["an inter-broker user the auth file does not have", ["--auth-file", authFile, "--inter-broker-user", "nobody"], true, /"nobody": no such principal/],
  ["an inter-broker user with only pre-hashed credentials", ["--auth-file", authFile, "--inter-broker-user", "hashed"], true, /"hashed": .*pre-hashed/],
  ["an inter-broker user that is not cluster admin", ["--auth-file", authFile, "--inter-broker-user", "reader"], true, /"reader": not cluster admin/],
  ["--inter-broker-user without --auth-file", ["--inter-broker-user", "broker"], true, /--inter-broker-user needs --auth-file/],
  ["--inter-broker-user without --etcd", ["--auth-file", authFile, "--inter-broker-user", "broker"], false, /--inter-broker-user needs --etcd/],
];

for (const [what, extra, cluster, message] of cases) {
  test(`refused at start: ${what} (exit 2, one line, no token)`, async () => {
    const { code, stdout, stderr } = await serveWith(extra, cluster);
    assert.is(code, 2, `exit code, stderr: ${stderr}`);
    const lines = stderr.trim().split("\n");
    assert.is(lines.length, 1, `one line on stderr: ${stderr}`);
    assert.match(lines[0], message);
    for (const secret of [...Object.values(secrets), tokenSha256(secrets.hashed)]) {
      assert.not.ok(stderr.includes(secret) || stdout.includes(secret), "no secret printed");
    }
    assert.not.ok(stdout.includes("serving"), "nothing started");
    assert.not.ok(existsSync(dataDir), "the data directory was not even created");
  });
}

test("serve() refuses the same way, before binding a port: TypeError naming the user, no token", async () => {
  const data = tempDir("rivulet-cauth-serve-");
  const broker = await Broker.open({ dataDir: data.dir, maxWorkers: 1 });
  try {
    const cluster = { etcd: "http://127.0.0.1:9", brokerId: 1 };
    for (const [interBrokerUser, message] of [[undefined, /needs --inter-broker-user/], ["reader", /"reader": not cluster admin/], ["hashed", /pre-hashed/]] as const) {
      const error = await serve(broker, { port: 0, kafkaPort: 0, auth: tokens as AuthConfig, cluster: { ...cluster, interBrokerUser } }).then(() => null, (e: unknown) => e);
      assert.instance(error, TypeError);
      assert.match((error as Error).message, message);
      assert.not.ok(Object.values(secrets).some((secret) => (error as Error).message.includes(secret)));
    }
  } finally {
    await broker.close();
    data.remove();
  }
});

test.after(() => files.remove());
test.run();
