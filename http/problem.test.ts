import { test } from "uvu";
import * as assert from "uvu/assert";
import { errorCodes, RivuletError } from "../core/errors.ts";
import { problemMediaType, problemResponse, statusOfCode, toProblem } from "./problem.ts";

test("statusOfCode maps every error code to a 4xx or 5xx status", () => {
  for (const code of Object.keys(errorCodes) as Array<keyof typeof errorCodes>) {
    const status = statusOfCode[code];
    assert.ok(status >= 400 && status < 600, `${code} → ${status}`);
  }
  assert.is(statusOfCode.unknown_topic, 404);
  assert.is(statusOfCode.record_too_large, 413);
  assert.is(statusOfCode.too_many_records, 413);
  assert.is(statusOfCode.request_too_large, 413);
  assert.is(statusOfCode.too_many_headers, 400);
  assert.is(statusOfCode.unsupported_media_type, 415);
  assert.is(statusOfCode.too_many_streams, 429);
  assert.is(statusOfCode.topic_exists, 409);
  assert.is(statusOfCode.unauthorized, 401);
  assert.is(statusOfCode.forbidden, 403);
});

test("toProblem() keeps a RivuletError's code, retriable flag and details", () => {
  const problem = toProblem(new RivuletError("partition_unavailable", "restarting", { topic: "t", partition: 1 }));
  assert.is(problem.status, 503);
  assert.is(problem.code, "partition_unavailable");
  assert.is(problem.retriable, true);
  assert.is(problem.detail, "restarting");
  assert.is(problem.type, "urn:rivulet:problem:partition_unavailable");
  assert.equal(problem.details, { topic: "t", partition: 1 });
});

test("toProblem() turns an unknown error into a 500 with code internal and no leaked message", () => {
  const problem = toProblem(new TypeError("secret internals"));
  assert.is(problem.status, 500);
  assert.is(problem.code, "internal");
  assert.not.ok(problem.detail.includes("secret"));
});

test("problemResponse() renders application/problem+json with Retry-After and WWW-Authenticate", async () => {
  const unavailable = problemResponse(new RivuletError("partition_unavailable", "x"));
  assert.is(unavailable.headers.get("content-type"), problemMediaType);
  assert.is(unavailable.headers.get("retry-after"), "1");
  const body = await unavailable.json() as Record<string, unknown>;
  for (const field of ["type", "title", "status", "detail", "code", "retriable"]) assert.ok(field in body, field);
  const unauthorized = problemResponse(new RivuletError("unauthorized", "no token"));
  assert.is(unauthorized.status, 401);
  assert.ok(unauthorized.headers.get("www-authenticate")?.startsWith("Bearer"));
  assert.is(problemResponse(new RivuletError("unknown_topic", "x")).headers.get("retry-after"), null);
});

test.run();
