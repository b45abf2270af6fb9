import { test } from "uvu";
import * as assert from "uvu/assert";
import { nextCursor } from "./cursor.ts";
import { controlEvent, dataEvent } from "./sse-events.ts";

const enc = new TextEncoder();

function events(text: string): Array<{ type: string; data: string }> {
  return text.replace(/\r\n|\r/g, "\n").split("\n\n").filter((b) => b.trim()).map((block) => {
    let type = "";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) type = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).startsWith(" ") ? line.slice(6) : line.slice(5));
    }
    return { type, data: data.join("\n") };
  });
}

test("dataEvent() gives every payload line its own data field, so CR, LF and CRLF cannot inject events", () => {
  const payload = `safe\r\n\r\nevent: control\rdata: {"injected":true}\n\nend`;
  const text = dataEvent(enc.encode(payload), "text") + controlEvent({ streamNextOffset: "x" });
  const parsed = events(text);
  assert.is(parsed.length, 2);
  assert.is(parsed[0].type, "data");
  assert.is(parsed[0].data, payload.replace(/\r\n|\r/g, "\n"));
  assert.equal(JSON.parse(parsed[1].data), { streamNextOffset: "x" });
});

test("dataEvent() keeps a line's leading space and writes data:line otherwise", () => {
  const text = dataEvent(enc.encode("line1\n  indented"), "text");
  assert.ok(text.includes("data:line1\n"));
  assert.is(events(text)[0].data, "line1\n  indented");
});

test("dataEvent() base64-encodes binary payloads, each event decodable on its own", () => {
  const text = dataEvent(new Uint8Array([0x48, 0x65, 0x6c, 0x6c, 0x6f]), "base64");
  assert.is(events(text)[0].data, "SGVsbG8=");
});

test("nextCursor() counts 20-second intervals and always moves past an echoed cursor", () => {
  const epoch = Date.UTC(2024, 9, 9);
  assert.is(nextCursor(epoch + 60_000, null), "3");
  assert.is(nextCursor(epoch + 60_000, "1"), "3");
  assert.is(nextCursor(epoch + 60_000, "3", () => 0), "4");
  assert.is(nextCursor(epoch + 60_000, "3", () => 0.999), String(3 + 180));
  assert.is(nextCursor(epoch + 60_000, "junk"), "3");
});

test.run();
