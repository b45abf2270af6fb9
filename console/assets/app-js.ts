/** `app.js`: reads the URL, asks for a token when one is needed, renders the page. */
export default String.raw`
import { ApiError, authRequired, base, consoleApi, setToken, token } from "./api.js";
import { field, h, replace } from "./dom.js";
import { overviewPage } from "./overview.js";
import { topicPage } from "./topic.js";
import { groupPage, groupsPage } from "./groups.js";
import { processorsPage } from "./processors.js";

const main = document.getElementById("main");
const session = document.getElementById("session");
let running = null;

function route() {
  const path = location.pathname.slice(base.length).replace(/\/+$/, "");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return (m, s) => overviewPage(m, s);
  if (parts[0] === "topics" && parts.length === 2) return (m, s) => topicPage(m, s, parts[1]);
  if (parts[0] === "groups" && parts.length === 1) return (m, s) => groupsPage(m, s);
  if (parts[0] === "groups" && parts.length === 2) return (m, s) => groupPage(m, s, parts[1]);
  if (parts[0] === "processors" && parts.length === 1) return (m, s) => processorsPage(m, s);
  return null;
}

function problemPage(error) {
  const status = error instanceof ApiError ? error.status : 0;
  const titles = { 0: "The server could not be reached", 403: "403 · Not allowed", 404: "404 · Not found" };
  const title = titles[status] || ("Error " + status);
  document.title = title + " · Rivulet console";
  replace(main, h("div", { class: "problem", role: "alert" },
    h("h1", {}, title),
    h("p", {}, status === 403 ? "Your token does not allow this. " + error.message : error.message),
    h("p", {}, h("a", { href: base }, "Back to the overview"))));
}

function tokenForm(message) {
  document.title = "Sign in · Rivulet console";
  const input = h("input", { type: "password", name: "token", autocomplete: "current-password", required: true });
  const note = h("p", { class: "error", role: "alert", id: "token-error" }, message || "");
  const form = h("form", { class: "token-form", onsubmit: async (event) => {
    event.preventDefault();
    setToken(input.value);
    try {
      await consoleApi("/session");
    } catch (error) {
      setToken(null);
      note.textContent = error instanceof ApiError && error.status === 401 ? "That token was not accepted." : "Could not check the token: " + error.message;
      input.focus();
      return;
    }
    start();
  } },
    h("h1", {}, "Sign in"),
    h("p", {}, "This server needs an access token (an entry of its auth file). It is kept for this tab only."),
    field("Access token", input), note, h("button", { type: "submit", class: "primary" }, "Sign in"));
  replace(main, form);
  replace(session);
  input.focus();
}

function showSession() {
  if (!token()) return replace(session);
  replace(session, h("button", { type: "button", class: "link", onclick: () => {
    setToken(null);
    start();
  } }, "Sign out"));
}

async function start() {
  if (running) running.abort();
  const controller = new AbortController();
  running = controller;
  if (authRequired && !token()) return tokenForm("");
  showSession();
  const page = route();
  if (!page) return problemPage(new ApiError(404, { detail: "There is no console page at this address." }));
  let refresher;
  try {
    refresher = await page(main, controller.signal);
  } catch (error) {
    if (controller.signal.aborted) return;
    if (error instanceof ApiError && error.status === 401) {
      setToken(null);
      return tokenForm("Your token was not accepted; sign in again.");
    }
    return problemPage(error);
  }
  if (!refresher) return;
  const timer = setInterval(() => {
    if (document.visibilityState !== "visible") return;
    refresher.refresh().catch(() => {});
  }, refresher.every);
  controller.signal.addEventListener("abort", () => clearInterval(timer));
}

start();
`;
