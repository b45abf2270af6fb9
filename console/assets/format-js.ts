/** `format.js`: bytes shown as JSON, text or hex; sizes, rates and times for people. */
export default String.raw`
const utf8 = new TextDecoder("utf-8", { fatal: false });
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const utf8Encoder = new TextEncoder();
// Hex of very large values is cut here, so a 1 MiB record does not freeze the tab.
const hexBytesShown = 4096;

export function fromBase64(b64) {
  if (b64 === null || b64 === undefined) return null;
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function utf8Bytes(text) {
  return utf8Encoder.encode(text);
}

export function isText(bytes) {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch (_) {
    return false;
  }
}

export function asText(bytes) {
  return utf8.decode(bytes);
}

export function asHex(bytes) {
  const shown = bytes.subarray(0, hexBytesShown);
  const parts = [];
  for (let i = 0; i < shown.length; i += 16) {
    const row = [];
    for (let j = i; j < Math.min(i + 16, shown.length); j++) row.push(shown[j].toString(16).padStart(2, "0"));
    parts.push(i.toString(16).padStart(6, "0") + "  " + row.join(" "));
  }
  if (bytes.length > shown.length) parts.push("… " + (bytes.length - shown.length) + " more bytes");
  return parts.join("\n");
}

export function asJson(bytes) {
  const text = asText(bytes);
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (_) {
    return null;
  }
}

// The bytes as the chosen format; JSON falls back to text (marked) when they are not JSON.
export function show(bytes, format) {
  if (bytes === null) return { text: "null", note: "null" };
  if (bytes.length === 0) return { text: "", note: "empty" };
  if (format === "hex") return { text: asHex(bytes), note: bytes.length + " B" };
  if (format === "json") {
    const json = asJson(bytes);
    if (json !== null) return { text: json, note: "JSON" };
  }
  if (!isText(bytes)) return { text: asHex(bytes), note: "binary, shown as hex" };
  return { text: asText(bytes), note: format === "json" ? "not JSON, shown as text" : "text" };
}

export function bytesLabel(n) {
  if (n === null || n === undefined) return "—";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return (unit === 0 ? String(value) : value.toFixed(1)) + " " + units[unit];
}

export function rateLabel(perSec) {
  if (perSec === null || perSec === undefined) return "—";
  return (perSec >= 100 ? Math.round(perSec).toLocaleString("en") : perSec.toFixed(1)) + "/s";
}

export function secondsLabel(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return seconds.toFixed(1) + " s";
  if (seconds < 3600) return (seconds / 60).toFixed(1) + " min";
  return (seconds / 3600).toFixed(1) + " h";
}

export function timeLabel(ms) {
  const d = new Date(ms);
  return isNaN(d.getTime()) ? String(ms) : d.toISOString().replace("T", " ").replace("Z", " UTC");
}

export function plural(n, word) {
  return countLabel(n) + " " + word + (n === 1 ? "" : "s");
}

export function countLabel(n) {
  return n === null || n === undefined ? "—" : Number(n).toLocaleString("en");
}
`;
