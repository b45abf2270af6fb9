/**
 * The interactive API reference served at `/docs`: one self-contained HTML page (no CDN, no
 * network beyond this server) that reads `/openapi.json` and renders every operation with a
 * form to try it. The DOM is built with `textContent` only, so nothing from the document is
 * ever interpreted as HTML.
 */

const style = `
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2230;background:#f6f7f9}
header{background:#1d2230;color:#fff;padding:14px 24px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0;flex:1}
header input{padding:6px;border-radius:4px;border:0;min-width:260px}
main{max-width:1000px;margin:0 auto;padding:16px 24px}
h2{margin:24px 0 8px;text-transform:capitalize}
details{background:#fff;border:1px solid #dde1e8;border-radius:6px;margin:6px 0}
summary{cursor:pointer;padding:8px 12px;display:flex;gap:12px;align-items:baseline}
.m{font:bold 12px monospace;padding:2px 6px;border-radius:3px;color:#fff;min-width:52px;text-align:center}
.get{background:#2f7d4f}.post{background:#2d5fa8}.delete{background:#a83232}
.p{font-family:monospace}.s{color:#5a6272}
form{padding:8px 12px 12px;border-top:1px solid #eef0f4}
label{display:block;margin:6px 0 2px;font-size:12px;color:#5a6272}
input.f,textarea{width:100%;box-sizing:border-box;font-family:monospace;padding:5px;border:1px solid #cfd4dc;border-radius:4px}
textarea{height:120px}
button{margin-top:8px;padding:6px 14px;border:0;border-radius:4px;background:#2d5fa8;color:#fff;cursor:pointer}
pre{background:#1d2230;color:#e6e9ef;padding:10px;border-radius:4px;overflow:auto;max-height:360px;white-space:pre-wrap}
`;

const script = `
const el = (tag, props = {}, ...kids) => { const n = document.createElement(tag); Object.assign(n, props); for (const k of kids) n.append(k); return n; };
const tokenInput = document.getElementById("token");
tokenInput.value = sessionStorage.getItem("rivulet-token") || "";
tokenInput.onchange = () => sessionStorage.setItem("rivulet-token", tokenInput.value);
function skeleton(schema) {
  if (!schema) return "";
  if (schema.required && schema.required.includes("records")) return JSON.stringify({ records: [{ key: "k", value: { hello: "world" } }] }, null, 2);
  if (schema.properties && schema.properties.topics) return JSON.stringify({ topics: ["my-topic"] }, null, 2);
  if (schema.properties && schema.properties.offsets) return JSON.stringify({ offsets: [{ topic: "my-topic", partition: 0, offset: 0 }] }, null, 2);
  if (schema.properties && schema.properties.name) return JSON.stringify({ name: "my-topic", partitions: 1, config: {} }, null, 2);
  return "{}";
}
async function send(method, path, op, form, out) {
  const inputs = form.querySelectorAll("[data-in]");
  let url = path; const query = new URLSearchParams(); const headers = {};
  for (const input of inputs) {
    if (input.value === "") continue;
    const where = input.dataset.in, name = input.dataset.name;
    if (where === "path") url = url.replace("{" + name + "}", encodeURIComponent(input.value));
    else if (where === "query") query.set(name, input.value);
    else if (where === "header") headers[name] = input.value;
  }
  if (tokenInput.value) headers.authorization = "Bearer " + tokenInput.value;
  const body = form.querySelector("textarea");
  const init = { method: method.toUpperCase(), headers };
  if (body) { init.body = body.value; headers["content-type"] = "application/json"; }
  const qs = query.toString();
  out.textContent = "…";
  const controller = new AbortController(); init.signal = controller.signal;
  try {
    const res = await fetch(url + (qs ? "?" + qs : ""), init);
    const type = res.headers.get("content-type") || "";
    out.textContent = res.status + " " + res.statusText + "  (" + type + ")\\n\\n";
    if (type.startsWith("text/event-stream")) {
      setTimeout(() => controller.abort(), 10000);
      const reader = res.body.getReader(); const dec = new TextDecoder();
      for (;;) { const { done, value } = await reader.read(); if (done) break; out.textContent += dec.decode(value, { stream: true }); }
    } else {
      const text = await res.text();
      try { out.textContent += JSON.stringify(JSON.parse(text), null, 2); } catch { out.textContent += text; }
    }
  } catch (e) { if (e.name !== "AbortError") out.textContent += String(e); else out.textContent += "\\n(stopped after 10 s)"; }
}
function operation(path, method, op) {
  const form = el("form");
  for (const p of op.parameters || []) {
    form.append(el("label", { textContent: p.name + " (" + p.in + (p.required ? ", required" : "") + ") — " + (p.description || "") }));
    const input = el("input", { className: "f" }); input.dataset.in = p.in; input.dataset.name = p.name; form.append(input);
  }
  if (op.requestBody) {
    const c = op.requestBody.content["application/json"];
    form.append(el("label", { textContent: "JSON body — " + (op.requestBody.description || "") }), el("textarea", { value: skeleton(c && c.schema) }));
  }
  const out = el("pre", { textContent: "" });
  const button = el("button", { type: "submit", textContent: "Send" });
  form.append(button, out);
  form.onsubmit = (e) => { e.preventDefault(); send(method, path, op, form, out); };
  const codes = Object.entries(op.responses || {}).map(([code, r]) => code + " " + r.description).join(" · ");
  form.prepend(el("p", { className: "s", textContent: (op.description ? op.description + " " : "") + "Responses: " + codes }));
  return el("details", {}, el("summary", {}, el("span", { className: "m " + method, textContent: method.toUpperCase() }), el("span", { className: "p", textContent: path }), el("span", { className: "s", textContent: op.summary || "" })), form);
}
fetch("openapi.json").then((r) => r.json()).then((doc) => {
  document.getElementById("title").textContent = doc.info.title + " " + doc.info.version;
  const main = document.querySelector("main"); const byTag = new Map();
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const tag = (op.tags && op.tags[0]) || "other";
    if (!byTag.has(tag)) { const section = el("section", {}, el("h2", { textContent: tag })); byTag.set(tag, section); main.append(section); }
    byTag.get(tag).append(operation(path, method, op));
  }
}).catch((e) => { document.querySelector("main").textContent = "Could not load openapi.json: " + e; });
`;

/** The page's HTML. */
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Rivulet HTTP API</title><style>${style}</style></head>
<body><header><h1 id="title">Rivulet HTTP API</h1><input id="token" placeholder="Bearer token (if the server needs one)" autocomplete="off"></header>
<main><p class="s">Generated from <a href="openapi.json">openapi.json</a>. Bodies may also be CBOR (application/cbor); errors are application/problem+json.</p></main>
<script>${script}</script></body></html>`;
