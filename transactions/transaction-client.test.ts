import { test } from "uvu";
import * as assert from "uvu/assert";
import { RivuletError } from "../core/errors.ts";
import { systemClock } from "../core/clock.ts";
import { defaultLimits } from "../core/limits.ts";
import { withTransactionRetries } from "./transaction-client.ts";

const env = { clock: systemClock, limits: { ...defaultLimits, transactionRequestBackoffMs: 1, transactionRequestBackoffMaxMs: 4, transactionRequestAttemptsMax: 5 } };

/** A call failing with `codes` in turn, then answering "done"; counts its tries. */
function failing(...codes: Array<"not_coordinator" | "not_leader" | "concurrent_transactions" | "producer_fenced">) {
  const calls = { count: 0 };
  const call = async () => {
    const code = codes[calls.count++];
    if (code) throw new RivuletError(code, `try ${calls.count}: ${code}`);
    return "done";
  };
  return { calls, call };
}

test("retriable errors (a coordinator or leader moving, markers still written) are tried again until the call succeeds", async () => {
  const { calls, call } = failing("not_coordinator", "not_leader", "concurrent_transactions");
  assert.is(await withTransactionRetries(env, call), "done");
  assert.is(calls.count, 4);
});

test("a non-retriable error is thrown at once", async () => {
  const { calls, call } = failing("not_coordinator", "producer_fenced");
  const error = await withTransactionRetries(env, call).then(() => null, (e: RivuletError) => e.code);
  assert.equal([error, calls.count], ["producer_fenced", 2]);
});

test("tries stop at transactionRequestAttemptsMax: the last retriable error is thrown", async () => {
  const { calls, call } = failing(...Array<"not_leader">(10).fill("not_leader"));
  const error = await withTransactionRetries(env, call).then(() => null, (e: RivuletError) => e.code);
  assert.equal([error, calls.count], ["not_leader", 5]);
});

test("tries stop at the delivery timeout", async () => {
  const { calls, call } = failing(...Array<"not_leader">(10).fill("not_leader"));
  let now = 0;
  const clock = { now: () => (now += 600) };
  const error = await withTransactionRetries({ clock, limits: { ...env.limits, deliveryTimeoutMs: 1_000, transactionRequestAttemptsMax: 50 } }, call).then(() => null, (e: RivuletError) => e.code);
  assert.equal([error, calls.count], ["not_leader", 2]);
});

test.run();
