/**
 * The console's processors view in a real browser (Debian's chromium through playwright-core)
 * against a real `serve()` server whose broker runs a stream-processing app (the DSL topology
 * in test/support/processors/console-topology.ts on a piscina pool): the app, its tasks and
 * input lag are listed; the lookup form reads a key's value and says when a key is absent;
 * with an auth file the view asks for a token and shows only apps whose group the principal
 * may read. Node only, as the other browser tests (playwright-core drives chromium from Node).
 */
import { test } from "uvu";
import * as assert from "uvu/assert";
import { runtimeName } from "../../runtime/runtime-name.ts";
import { chromiumInstalled } from "../support/console/browser-page.ts";

if (runtimeName !== "node") {
  console.log(`skipped on ${runtimeName}: playwright-core drives chromium from Node only; this file runs under Node`);
} else if (!chromiumInstalled()) {
  console.log("skipped: /usr/bin/chromium is not installed (apt-get install -y chromium; .ci/run does)");
} else {
  const { launchChromium, watchedPage, screenshot, scrollsSideways } = await import("../support/console/browser-page.ts");
  const { serve } = await import("../../server/serve.ts");
  await import("../../processors/broker-processors.ts");
  const { openTestBroker } = await import("../support/http/fixture.ts");
  const { until } = await import("../support/processors/app-helpers.ts");
  const { tempDir } = await import("../support/temp-dir.ts");
  const { writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");

  const fixture = await openTestBroker({ maxWorkers: 2 });
  const { broker } = fixture;
  await broker.createTopic("orders", { partitions: 2 });
  await broker.createTopic("order-totals", { partitions: 2 });
  const orders = [
    { key: "alice", value: JSON.stringify({ amount: 12 }) },
    { key: "bob", value: JSON.stringify({ amount: 5 }) },
    { key: "alice", value: JSON.stringify({ amount: 30 }) },
    { key: "alice", value: JSON.stringify({ amount: -4 }) }, // filtered out
    { key: "carol", value: JSON.stringify({ amount: 7 }) },
  ];
  await broker.produce("orders", orders);
  const app = await broker.processors.start(new URL("../support/processors/console-topology.ts", import.meta.url), { workers: 1, commitIntervalMs: 20 });
  await until(() => app.status().tasks.reduce((sum, t) => sum + t.inputs.reduce((s, i) => s + i.position, 0), 0) >= orders.length, "the orders processed");

  const open = await serve(broker, { port: 0 });
  const authDir = tempDir("console-processors-auth-");
  const authFile = join(authDir.dir, "auth.json");
  writeFileSync(authFile, JSON.stringify({ tokens: [
    { name: "operator", token: "operator-secret-1", rights: [{ access: "read", groups: "console-*" }] },
    { name: "outsider", token: "outsider-secret-1", rights: [{ access: "read", groups: "billing" }, { access: "read", topics: "*" }] },
  ] }));
  const guarded = await serve(broker, { port: 0, authFile });
  const browser = await launchChromium();
  test.after(async () => {
    await browser.close();
    await guarded.close();
    await open.close();
    await app.stop();
    await fixture.close();
    authDir.remove();
  });

  const missing = /^Failed to load resource: the server responded with a status of 404/;

  test("the processors view lists the app with its tasks and input lag, and looks up a key", async () => {
    const w = await watchedPage(browser);
    const { page } = w;
    await page.goto(`${open.url}/console`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Processors" }).click();
    const section = page.locator("section.processor-app[data-app='console-orders']");
    await section.waitFor();
    assert.is(await section.getByRole("heading", { level: 2 }).textContent(), "console-orders");
    assert.is(await section.locator(".app-state").textContent(), "running");
    const tasks = section.getByRole("table", { name: "Tasks of console-orders" }).locator("tbody tr");
    assert.is(await tasks.count(), 2, "one task per input partition");
    assert.equal(await tasks.locator("td:first-child").allTextContents(), ["0", "1"]);
    // Across both tasks, the store holds the three customers with a positive order.
    const storeCells = await tasks.locator("td:nth-child(8)").allTextContents();
    const keys = storeCells.map((text) => Number(/totals: (\d+) keys?,/.exec(text)?.[1] ?? NaN));
    assert.is(keys.reduce((a, b) => a + b, 0), 3, storeCells.join(" | "));
    const inputs = section.getByRole("table", { name: "Input partitions of console-orders" }).locator("tbody tr");
    assert.is(await inputs.count(), 2);
    assert.equal(await inputs.locator("td:nth-child(2)").allTextContents(), ["orders", "orders"]);

    // The only app is filled in; the store comes from the datalist the page offers.
    assert.is(await page.getByLabel("App", { exact: true }).inputValue(), "console-orders");
    assert.equal(await page.locator("#processor-stores option").evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value)), ["totals"]);
    await page.getByLabel("Store", { exact: true }).fill("totals");
    await page.getByLabel("Key", { exact: true }).fill("alice");
    await page.getByRole("button", { name: "Look up" }).click();
    const value = page.locator("#lookup-value");
    await value.waitFor();
    assert.equal(JSON.parse((await value.textContent()) ?? ""), { orders: 2, total: 42 });
    await screenshot(page, "processors");

    await page.getByLabel("Key", { exact: true }).fill("dave");
    await page.getByRole("button", { name: "Look up" }).click();
    await page.locator("#lookup-error", { hasText: "Not found" }).waitFor();
    assert.is(await value.count(), 0);

    await page.setViewportSize({ width: 390, height: 844 });
    assert.not.ok(await scrollsSideways(page), "the processors view scrolls sideways on a phone");
    await screenshot(page, "processors-phone");
    assert.equal(w.errors.filter((e) => !missing.test(e)), []);
    assert.is(w.errors.length, 1, w.errors.join("\n"));
    await w.close();
  });

  test("with an auth file: the token form, then only apps whose group the principal may read", async () => {
    const w = await watchedPage(browser);
    const { page } = w;
    await page.goto(`${guarded.url}/console/processors`);
    await page.getByLabel("Access token").fill("operator-secret-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("section.processor-app[data-app='console-orders']").waitFor();
    await page.getByLabel("Store", { exact: true }).fill("totals");
    await page.getByLabel("Key", { exact: true }).fill("bob");
    await page.getByRole("button", { name: "Look up" }).click();
    await page.locator("#lookup-value").waitFor();
    assert.equal(JSON.parse((await page.locator("#lookup-value").textContent()) ?? ""), { orders: 1, total: 5 });

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel("Access token").fill("outsider-secret-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByText("No stream-processing apps run on this broker (or none you may see).").waitFor();
    await page.getByLabel("App", { exact: true }).fill("console-orders");
    await page.getByLabel("Store", { exact: true }).fill("totals");
    await page.getByLabel("Key", { exact: true }).fill("bob");
    await page.getByRole("button", { name: "Look up" }).click();
    await page.locator("#lookup-error").waitFor();
    assert.match((await page.locator("#lookup-error").textContent()) ?? "", /console-orders/);
    assert.is(await page.locator("#lookup-value").count(), 0);
    const unexpected = w.errors.filter((e) => !/^Failed to load resource: the server responded with a status of 403/.test(e));
    assert.equal(unexpected, []);
    await w.close();
  });
}

test.run();
