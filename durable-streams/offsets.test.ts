import { test } from "uvu";
import * as assert from "uvu/assert";
import { ProtocolError } from "./protocol-error.ts";
import { formatOffset, parseOffsetToken, parseReadOffset } from "./offsets.ts";

test("formatOffset() pads to 16 digits so tokens sort as offsets do", () => {
  assert.is(formatOffset(0), "0000000000000000_0000000000000000");
  assert.is(formatOffset(42), "0000000000000042_0000000000000000");
  const tokens = [0, 9, 10, 99, 100, 12345, 10 ** 15].map(formatOffset);
  assert.equal([...tokens].sort(), tokens);
  for (const t of tokens) assert.not.match(t, /[,&=?/]/);
});

test("parseOffsetToken() reads its own tokens back and refuses others", () => {
  for (const n of [0, 1, 77, 2 ** 40]) assert.is(parseOffsetToken(formatOffset(n)), n);
  for (const bad of ["", "0", "-1", "now", "0000000000000001", "0000000000000001_0000000000000001", "000000000000001_0000000000000000", "0000000000000001_0000000000000000x", "9999999999999999_9999999999999999"]) {
    assert.is(parseOffsetToken(bad), null, bad);
  }
});

test("parseReadOffset() knows the sentinels and refuses empty, repeated or malformed offsets with 400", () => {
  assert.equal(parseReadOffset([]), { kind: "start" });
  assert.equal(parseReadOffset(["-1"]), { kind: "start" });
  assert.equal(parseReadOffset(["now"]), { kind: "now" });
  assert.equal(parseReadOffset([formatOffset(5)]), { kind: "offset", offset: 5 });
  for (const bad of [[""], ["a", "b"], ["0,1"], ["0 1"], ["../x"], [formatOffset(1) + "\n"]]) {
    try {
      parseReadOffset(bad);
      assert.unreachable(`accepted ${JSON.stringify(bad)}`);
    } catch (error) {
      assert.instance(error, ProtocolError);
      assert.is((error as ProtocolError).status, 400);
    }
  }
});

test.run();
