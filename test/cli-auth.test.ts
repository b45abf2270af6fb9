import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Buffer } from "node:buffer";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { TokenEntry } from "../auth/auth-config.ts";
import { Authenticator } from "../auth/authenticator.ts";
import { deriveScramCredential, scramMechanisms, tokenSha256 } from "../auth/scram-credential.ts";
import { Broker } from "../groups/broker.ts";
import { serve } from "../server/serve.ts";
import { runCli, startServe } from "./support/cli-process.ts";
import { tempDir } from "./support/temp-dir.ts";

const test = suite("rivulet auth and --auth-file");
const token = "billing-token-8f3e2a";

/** Runs `rivulet auth scram` and parses the entry it prints. */
async function scram(name: string, args: string[] = []): Promise<TokenEntry> {
  const r = await runCli(["auth", "scram", name, ...args], `${token}\n`);
  assert.is(r.code, 0, r.stderr);
  assert.not.ok(r.stdout.includes(token) || r.stderr.includes(token), "the token is not printed");
  return JSON.parse(r.stdout) as TokenEntry;
}

test("rivulet auth scram prints the pre-hashed entry: token_sha256 and both SCRAM credentials, derived from the token", async () => {
  const entry = await scram("billing");
  assert.equal(Object.keys(entry), ["name", "token_sha256", "scram", "rights"]);
  assert.is(entry.name, "billing");
  assert.is(entry.token_sha256, tokenSha256(token));
  assert.equal(entry.rights, []);
  assert.equal(Object.keys(entry.scram!).sort(), [...scramMechanisms].sort());
  for (const mechanism of scramMechanisms) {
    const printed = entry.scram![mechanism]!;
    assert.is(printed.iterations, 4096);
    assert.ok(Buffer.from(printed.salt, "base64").length >= 16, "a salt of at least 16 bytes");
    assert.equal(deriveScramCredential(mechanism, token, Buffer.from(printed.salt, "base64"), printed.iterations), printed, mechanism);
  }
  const again = await scram("billing");
  assert.is.not(again.scram!["SCRAM-SHA-256"]!.salt, entry.scram!["SCRAM-SHA-256"]!.salt, "a fresh salt each time");
});

test("the printed entry, in an auth file, lets the same token in over HTTP through serve(), and Authenticator.scram() gives exactly its credential", async () => {
  const entry = await scram("billing", ["--iterations", "5000"]);
  assert.is(entry.scram!["SCRAM-SHA-512"]!.iterations, 5000);
  entry.rights = [{ access: "read", topics: "pay*" }];
  const tmp = tempDir("rivulet-cli-auth-");
  const file = join(tmp.dir, "auth.json");
  writeFileSync(file, JSON.stringify({ tokens: [entry, { name: "ops", token: "ops-secret-123", rights: [{ access: "admin", topics: "*" }] }] }));
  const broker = await Broker.open({ dataDir: join(tmp.dir, "data"), maxWorkers: 1 });
  const server = await serve(broker, { port: 0, authFile: file });
  try {
    await broker.createTopic("payments", { partitions: 1 });
    const read = await fetch(`${server.url}/v1/topics/payments/partitions/0/records`, { headers: { authorization: `Bearer ${token}` } });
    assert.is(read.status, 200);
    await read.body?.cancel();
    const write = await fetch(`${server.url}/v1/topics/payments/records`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: '{"records":[{"value":1}]}' });
    assert.is(write.status, 403, "the entry's rights hold");
    await write.body?.cancel();
    const wrong = await fetch(`${server.url}/v1/topics`, { headers: { authorization: `Bearer ${token}x` } });
    assert.is(wrong.status, 401);
    await wrong.body?.cancel();
  } finally {
    await server.close();
    await broker.close();
  }
  const auth = new Authenticator({ tokens: [entry] });
  for (const mechanism of scramMechanisms) {
    const printed = entry.scram![mechanism]!;
    const { principal, secret } = auth.scram("billing", mechanism)!;
    assert.is(principal.name, "billing");
    assert.equal([...secret.salt], [...Buffer.from(printed.salt, "base64")]);
    assert.is(secret.iterations, 5000);
    assert.equal([...secret.storedKey], [...Buffer.from(printed.stored_key, "base64")]);
    assert.equal([...secret.serverKey], [...Buffer.from(printed.server_key, "base64")]);
  }
  assert.is(auth.plain("billing", token)?.name, "billing", "SASL PLAIN takes the same token");
  tmp.remove();
});

test("rivulet auth scram refuses fewer than 4096 iterations, a missing or short token, extra lines and a bad name (exit 2)", async () => {
  const cases: Array<[string[], string, RegExp]> = [
    [["auth", "scram", "billing", "--iterations", "4095"], `${token}\n`, /--iterations takes an integer from 4096/],
    [["auth", "scram", "billing", "--iterations", "many"], `${token}\n`, /--iterations/],
    [["auth", "scram", "billing"], "", /no token on standard input/],
    [["auth", "scram", "billing"], "short\n", /at least 8 characters/],
    [["auth", "scram", "billing"], `${token}\nsecond-line\n`, /one line/],
    [["auth", "scram", "bad name"], `${token}\n`, /name must be/],
    [["auth", "scram"], `${token}\n`, /give one NAME/],
    [["auth", "nope"], "", /unknown subcommand nope/],
  ];
  for (const [args, stdin, message] of cases) {
    const r = await runCli(args, stdin);
    assert.is(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.is(r.stdout, "");
    assert.not.ok(r.stderr.includes(token), "never echoes the token");
  }
  const help = await runCli(["auth", "--help"]);
  assert.is(help.code, 0);
  assert.match(help.stdout, /rivulet auth scram NAME/);
  assert.match((await runCli(["--help"])).stdout, /auth/);
});

test("rivulet serve with a bad auth file prints one line naming the file and the problem, exits 2, starts nothing and echoes no secret", async () => {
  const tmp = tempDir("rivulet-cli-authfile-");
  const secret = "s3cret-token-never-shown";
  const files: Array<[string, string | null, RegExp]> = [
    ["missing.json", null, /^rivulet serve: auth file \S+missing\.json: cannot be read \(no such file\)$/],
    ["broken.json", `{"tokens":[{"name":"a","token":"${secret}" x}]}`, /^rivulet serve: auth file \S+broken\.json: not valid JSON/],
    ["unquoted.json", `{"tokens":[{"name":"a","token":${secret}}]}`, /^rivulet serve: auth file \S+unquoted\.json: not valid JSON/],
    ["entry.json", JSON.stringify({ tokens: [
      { name: "a", token: `${secret}-a`, rights: [] },
      { name: "b", token: `${secret}-b`, rights: [] },
      { name: "c", token: `${secret}-c`, rights: [{ access: "own", topics: "*" }] },
    ] }), /^rivulet serve: auth file \S+entry\.json: tokens\[2\]\.rights\[0\] must be /],
    ["short.json", JSON.stringify({ tokens: [{ name: "a", token: "tiny", rights: [] }] }), /tokens\[0\]\.token must be a string of at least 8 characters$/],
    ["dup.json", JSON.stringify({ tokens: [{ name: "a", token: secret, rights: [] }, { name: "b", token: secret, rights: [] }] }), /tokens\[1\]: duplicate token$/],
  ];
  for (const [name, content, message] of files) {
    const path = join(tmp.dir, name);
    if (content !== null) writeFileSync(path, content);
    const dataDir = join(tmp.dir, `data-${name}`);
    const r = await runCli(["serve", "--port", "0", "--data-dir", dataDir, "--auth-file", path]);
    assert.is(r.code, 2, `${name}: ${r.stderr}`);
    const lines = r.stderr.trimEnd().split("\n");
    assert.is(lines.length, 1, `${name}: one line, got:\n${r.stderr}`);
    assert.match(lines[0], message);
    assert.not.ok(r.stderr.includes(secret) || r.stdout.includes(secret), `${name}: no secret echoed`);
    assert.not.ok(/\bat .*:\d+:\d+/.test(r.stderr), `${name}: no stack trace`);
    assert.not.ok(existsSync(dataDir), `${name}: the broker was not opened`);
  }
  tmp.remove();
});

test("rivulet serve --auth-file with a printed entry serves that token (the real CLI)", async () => {
  const entry = await scram("cli-user");
  entry.rights = [{ access: "admin", topics: "*" }];
  const tmp = tempDir("rivulet-cli-serve-auth-");
  const file = join(tmp.dir, "auth.json");
  writeFileSync(file, JSON.stringify({ tokens: [entry] }));
  const server = await startServe(["--data-dir", join(tmp.dir, "data"), "--auth-file", file]);
  try {
    const anonymous = await fetch(`${server.url}/v1/topics`);
    assert.is(anonymous.status, 401);
    await anonymous.body?.cancel();
    const created = await fetch(`${server.url}/v1/topics`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: '{"name":"cli-auth"}' });
    assert.is(created.status, 201);
    await created.body?.cancel();
    assert.not.ok(server.output().includes(token), "the server logs no token");
  } finally {
    server.child.kill("SIGTERM");
    await server.exited;
    tmp.remove();
  }
});

test.run();
