/**
 * Headless Chromium for the console's browser tests: Debian's `/usr/bin/chromium` driven by
 * `playwright-core` (nothing downloaded). Each page collects console errors, uncaught page
 * errors and dialogs, so a test can assert that none happened; screenshots go to
 * `tmp/console-screenshots/` (or `$CONSOLE_SCREENSHOTS`) as test artifacts.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";

/** Where Debian puts chromium. */
export const chromiumPath = "/usr/bin/chromium";

/** Whether the browser tests can run here. */
export function chromiumInstalled(): boolean {
  return existsSync(chromiumPath);
}

/** A page with what went wrong on it. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console messages of type error, and uncaught exceptions (prefixed `pageerror:`). */
  errors: string[];
  /** Messages of every alert, confirm or prompt opened (each is dismissed). */
  dialogs: string[];
  close(): Promise<void>;
}

/** Launches the browser. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
}

/**
 * A fresh context and page (own sessionStorage), in UTC, watched for errors and dialogs.
 *
 * @param browser the browser
 * @param viewport the window size (default 1280×900)
 */
export async function watchedPage(browser: Browser, viewport = { width: 1280, height: 900 }): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport, timezoneId: "UTC", locale: "en-US" });
  const page = await context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { page, context, errors, dialogs, close: () => context.close() };
}

const screenshotDir = process.env.CONSOLE_SCREENSHOTS ?? fileURLToPath(new URL("../../../tmp/console-screenshots/", import.meta.url));

/** Saves a full-page screenshot named `name.png`; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Whether the page scrolls sideways (its content is wider than the viewport). */
export async function scrollsSideways(page: Page): Promise<boolean> {
  return await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}
