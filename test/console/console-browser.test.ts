/**
 * The web console in a real browser (Debian's chromium through playwright-core) against real
 * `serve()` servers with data: the overview, paging and filtering a partition, the live tail
 * with pause and resume, escaping, the produce form, a group's lag, the token form and rights,
 * a phone-sized viewport, and no console error on any page. playwright-core drives the browser
 * from Node only, so on Bun and Deno (and where chromium is missing) this file says why it
 * skips and runs nothing.
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
  const { openTestBroker, uniqueName } = await import("../support/http/fixture.ts");
  const { tempDir } = await import("../support/temp-dir.ts");
  const { writeFileSync } = await import("node:fs");
  const { join } = await import("node:path");

  const fixture = await openTestBroker({ maxWorkers: 2 });
  const { broker } = fixture;
  const open = await serve(broker, { port: 0 });
  const authDir = tempDir("console-auth-");
  const authFile = join(authDir.dir, "auth.json");
  writeFileSync(authFile, JSON.stringify({ tokens: [
    { name: "reader", token: "reader-secret-1", rights: [{ access: "read", topics: "shop*" }, { access: "read", groups: "*" }] },
    { name: "writer", token: "writer-secret-1", rights: [{ access: "write", topics: "shop*" }, { access: "read", topics: "shop*" }] },
  ] }));
  const guarded = await serve(broker, { port: 0, authFile });
  const browser = await launchChromium();
  test.after(async () => {
    await browser.close();
    await guarded.close();
    await open.close();
    await fixture.close();
    authDir.remove();
  });

  const xss = "<img src=x onerror=alert(1)>";
  const bytes = (v: Uint8Array | null) => new TextDecoder().decode(v ?? new Uint8Array());

  async function api(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(open.url + path, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    assert.ok(res.ok, `${method} ${path}: ${res.status} ${await res.clone().text()}`);
    return await res.json();
  }

  test("the overview lists a topic created through the API; keyboard and phone friendly", async () => {
    const topic = uniqueName("created");
    await api("POST", "/v1/topics", { name: topic, partitions: 3 });
    const w = await watchedPage(browser);
    await w.page.goto(`${open.url}/console`);
    const link = w.page.getByRole("link", { name: topic });
    await link.waitFor();
    assert.is(await link.getAttribute("href"), `/console/topics/${topic}`);
    const row = w.page.locator("tr", { has: link });
    assert.is(await row.locator("td").nth(1).textContent(), "3");
    await w.page.keyboard.press("Tab");
    assert.is(await w.page.evaluate(() => document.activeElement?.textContent), "Skip to content");
    await screenshot(w.page, "overview");
    await w.page.setViewportSize({ width: 390, height: 844 });
    assert.not.ok(await scrollsSideways(w.page), "the overview scrolls sideways on a phone");
    await screenshot(w.page, "overview-phone");
    assert.equal(w.errors, []);
    await w.close();
  });

  test("the message browser pages through a partition, filters by key, starts at a time and shows the newest N", async () => {
    const topic = uniqueName("paged");
    await broker.createTopic(topic, { partitions: 1 });
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
    await broker.produce(topic, Array.from({ length: 45 }, (_, i) => ({ key: `key-${i}`, value: JSON.stringify({ n: i }), timestamp: t0 + i * 1000, partition: 0 })));
    const w = await watchedPage(browser);
    const { page } = w;
    await page.goto(`${open.url}/console/topics/${topic}`);
    const cards = page.locator("#browser-records article.record");
    await page.locator("#browser-records article[data-offset='19']").waitFor();
    assert.is(await cards.count(), 20);
    assert.is(await cards.first().getAttribute("data-offset"), "0");
    await page.getByRole("button", { name: "Next page" }).click();
    await page.locator("#browser-records article[data-offset='39']").waitFor();
    assert.is(await cards.first().getAttribute("data-offset"), "20");
    await page.getByRole("button", { name: "Previous page" }).click();
    await page.locator("#browser-records article[data-offset='0']").waitFor();

    await page.getByLabel("Filter").fill("key-33");
    await page.getByRole("button", { name: "Load records" }).click();
    await page.locator("#browser-records article[data-offset='33']").waitFor();
    assert.is(await cards.count(), 1);
    assert.match(await cards.first().locator("pre").textContent() ?? "", /"n": 33/);

    await page.getByLabel("Filter").fill("");
    await page.getByLabel("From").selectOption("timestamp");
    await page.getByLabel("Start time (local)").fill("2026-01-01T12:00:30");
    await page.getByRole("button", { name: "Load records" }).click();
    await page.locator("#browser-records article[data-offset='30']:first-child").waitFor();

    await page.getByLabel("From").selectOption("newest");
    await page.getByLabel("How many").fill("5");
    await page.getByRole("button", { name: "Load records" }).click();
    await page.locator("#browser-records article[data-offset='40']:first-child").waitFor();
    assert.is(await cards.count(), 5);
    await page.getByLabel("Show values as").selectOption("hex");
    assert.match(await cards.first().locator("pre").textContent() ?? "", /^000000  7b 22 6e 22/);
    await screenshot(page, "topic-browser");
    assert.equal(w.errors, []);
    await w.close();
  });

  test("a record value of markup stays text: no element, no dialog", async () => {
    const topic = uniqueName("xss");
    await broker.createTopic(topic, { partitions: 1 });
    await broker.produce(topic, [{ key: "<script>alert(2)</script>", value: xss, headers: [["<b>h</b>", xss]] }]);
    const w = await watchedPage(browser);
    await w.page.goto(`${open.url}/console/topics/${topic}`);
    const card = w.page.locator("#browser-records article[data-offset='0']");
    await card.waitFor();
    assert.is(await card.locator("pre").textContent(), xss);
    assert.is(await card.locator(".record-key").textContent(), "<script>alert(2)</script>");
    assert.is(await card.locator("dt").textContent(), "<b>h</b>");
    assert.is(await w.page.locator("main img, main script, main b").count(), 0);
    assert.equal(w.dialogs, []);
    assert.equal(w.errors, []);
    await w.close();
  });

  test("the live tail shows a record produced after it opened; pause holds new rows, resume shows them", async () => {
    const topic = uniqueName("tail");
    await broker.createTopic(topic, { partitions: 1 });
    await broker.produce(topic, [{ value: "before the tail" }]);
    const w = await watchedPage(browser);
    const { page } = w;
    await page.goto(`${open.url}/console/topics/${topic}`);
    await page.getByRole("button", { name: "Start tail" }).click();
    await page.locator("#tail-status", { hasText: "Following" }).waitFor();
    const rows = page.locator("#tail-records article.record");
    const sent = Date.now();
    await api("POST", `/v1/topics/${topic}/records`, { records: [{ key: "live", value: { live: 1 } }] });
    await page.locator("#tail-records article[data-offset='1']").waitFor({ timeout: 1_000 });
    const shownAfterMs = Date.now() - sent;
    assert.is(await rows.count(), 1, "the tail starts at the end: the earlier record is not shown");

    await page.getByRole("button", { name: "Pause" }).click();
    await api("POST", `/v1/topics/${topic}/records`, { records: [{ value: "while paused" }] });
    await page.locator("#tail-status", { hasText: "1 new record waiting" }).waitFor();
    assert.is(await rows.count(), 1, "a paused tail adds no row");
    await page.getByRole("button", { name: "Resume" }).click();
    await page.locator("#tail-records article[data-offset='2']").waitFor();
    await api("POST", `/v1/topics/${topic}/records`, { records: [{ value: "after resume" }] });
    await page.locator("#tail-records article[data-offset='3']").waitFor();
    assert.is(await rows.first().getAttribute("data-offset"), "3", "newest first");
    await screenshot(page, "topic-tail");
    await page.getByRole("button", { name: "Stop" }).click();
    await page.locator("#tail-status", { hasText: "Stopped" }).waitFor();
    assert.equal(w.errors, []);
    await w.close();
    console.log(`live tail: a produced record was on the page ${shownAfterMs} ms after the produce call began`);
  });

  test("the produce form writes a record (checked through the broker)", async () => {
    const topic = uniqueName("form");
    await broker.createTopic(topic, { partitions: 2 });
    const w = await watchedPage(browser);
    const { page } = w;
    await page.goto(`${open.url}/console/topics/${topic}`);
    const form = page.locator("#produce");
    await form.getByLabel("Partition").selectOption("1");
    await form.getByLabel("Key", { exact: true }).fill("form-key");
    await form.getByLabel("Value", { exact: true }).fill("héllo from the form");
    await form.getByLabel("Headers").fill("source: console\ntrace: 42");
    await form.getByRole("button", { name: "Produce" }).click();
    await page.locator("#produce-status", { hasText: "Written to partition 1 at offset 0" }).waitFor();
    const { records } = await broker.fetch(topic, 1, { offset: 0 });
    assert.is(records.length, 1);
    assert.is(bytes(records[0].key), "form-key");
    assert.is(bytes(records[0].value), "héllo from the form");
    assert.equal(records[0].headers.map(([n, v]) => [n, bytes(v)]), [["source", "console"], ["trace", "42"]]);
    assert.equal(w.errors, []);
    await w.close();
  });

  test("a group's lag rises while its consumer is stopped and falls to 0 once it catches up, in records and seconds", async () => {
    const topic = uniqueName("lagging");
    const group = uniqueName("billing");
    await broker.createTopic(topic, { partitions: 1 });
    await broker.produce(topic, [{ value: "a" }, { value: "b" }]);
    const member = await broker.groups.joinManaged(group, [topic]);
    await broker.groups.commitOffsets(group, -1, member.memberId, [{ topic, partition: 0, offset: 2 }]);
    const w = await watchedPage(browser);
    const { page } = w;
    await page.goto(`${open.url}/console/groups`);
    await page.getByRole("link", { name: group }).click();
    const lagRecords = page.locator("#group-lag .lag-records");
    const lagSeconds = page.locator("#group-lag .lag-seconds");
    await lagRecords.filter({ hasText: /^0$/ }).waitFor();
    assert.is(await lagSeconds.textContent(), "0.0 s");

    // The consumer stops committing while records keep coming.
    await broker.produce(topic, [{ value: "c" }, { value: "d" }, { value: "e" }]);
    await page.getByRole("button", { name: "Refresh" }).click();
    await lagRecords.filter({ hasText: /^3$/ }).waitFor();
    assert.match(await lagSeconds.textContent() ?? "", /^\d+\.\d (s|min)$/);
    assert.match(await page.locator("#group-total-lag").textContent() ?? "", /^3 records, /);
    assert.match(await page.locator("#group-charts svg").first().getAttribute("aria-label") ?? "", /^Lag in records: [12] samples? over the last 60 minutes, latest 3, highest 3$/);
    await screenshot(page, "group-lagging");

    // It catches up.
    await broker.groups.commitOffsets(group, -1, member.memberId, [{ topic, partition: 0, offset: 5 }]);
    await page.getByRole("button", { name: "Refresh" }).click();
    await lagRecords.filter({ hasText: /^0$/ }).waitFor();
    assert.is(await lagSeconds.textContent(), "0.0 s");
    assert.is(await page.locator("#group-total-lag").textContent(), "0 records, 0.0 s");
    await page.setViewportSize({ width: 390, height: 844 });
    assert.not.ok(await scrollsSideways(page), "the group page scrolls sideways on a phone");
    await screenshot(page, "group-phone");
    await page.goto(`${open.url}/console/topics/${topic}`);
    await page.locator("#browser-records article[data-offset='4']").waitFor();
    assert.not.ok(await scrollsSideways(page), "the topic page scrolls sideways on a phone");
    await screenshot(page, "topic-phone");
    assert.equal(w.errors, []);
    await broker.groups.leaveGroup(group, [member.memberId]);
    await w.close();
  });

  test("with an auth file: the token form, a read-only principal, a forbidden topic", async () => {
    const shop = uniqueName("shop");
    const secret = uniqueName("secret");
    await broker.createTopic(shop, { partitions: 1 });
    await broker.createTopic(secret, { partitions: 1 });
    await broker.produce(shop, [{ value: "for readers" }]);
    const w = await watchedPage(browser);
    const { page } = w;
    await page.goto(`${guarded.url}/console/topics/${shop}`);
    const tokenInput = page.getByLabel("Access token");
    await tokenInput.fill("not-a-token");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#token-error", { hasText: "That token was not accepted." }).waitFor();
    await screenshot(page, "auth-token-form");
    await tokenInput.fill("reader-secret-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#browser-records article[data-offset='0']").waitFor();
    assert.is(await page.locator("#produce").count(), 0, "a read-only principal sees no produce form");
    await screenshot(page, "auth-reader-topic");

    await page.goto(`${guarded.url}/console/topics/${secret}`);
    await page.getByRole("heading", { name: "403 · Not allowed" }).waitFor();
    await screenshot(page, "auth-forbidden");
    await page.goto(`${guarded.url}/console`);
    await page.getByRole("link", { name: shop }).waitFor();
    assert.is(await page.getByRole("link", { name: secret }).count(), 0, "the overview lists only visible topics");

    await page.getByRole("button", { name: "Sign out" }).click();
    await tokenInput.fill("writer-secret-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("link", { name: shop }).click();
    await page.locator("#produce").waitFor();
    // The browser reports the refused calls themselves (the wrong token's 401, the forbidden
    // topic's 403) as failed resource loads; nothing else may be logged.
    const unexpected = w.errors.filter((e) => !/^Failed to load resource: the server responded with a status of (401|403)/.test(e));
    assert.equal(unexpected, []);
    assert.is(w.errors.length, 2, w.errors.join("\n"));
    await w.close();
  });

}

test.run();
