import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { Encoder } from "cbor-x";
import { createApp } from "../../http/app.ts";
import { openTestBroker, uniqueName } from "../support/http/fixture.ts";

const fixture = await openTestBroker();
const { broker } = fixture;
const app = createApp(broker, { limits: { fetchWaitMsMax: 30, httpBodyBytesMax: 64 * 1024, httpRecordsPerRequestMax: 50, messageMaxBytes: 2048, recordHeadersMax: 4, sseKeepAliveMs: 50 } });
const topic = uniqueName("prop");
await broker.createTopic(topic, { partitions: 2 });
const cbor = new Encoder({ useRecords: false, tagUint8Array: false, mapsAsObjects: true });
test.after(() => fixture.close());

async function snapshot(): Promise<string> {
  const names = await broker.listTopics();
  const parts = await Promise.all(names.map(async (name) => {
    const d = await broker.describeTopic(name).catch(() => null);
    return `${name}:${d ? d.partitions.map((p) => p.endOffset).join(",") : "gone"}`;
  }));
  return parts.join(" ");
}

const topicSegment = fc.oneof(
  fc.constant(topic),
  fc.constant(topic),
  fc.constantFrom("..", ".", "%2e%2e", "..%2Fx", "a".repeat(250), "n%C3%A4me", "__consumer_offsets", "%00", "a%2Fb", ""),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
  fc.string({ maxLength: 10 }),
);
const numberish = fc.oneof(fc.nat({ max: 5 }).map(String), fc.integer().map(String), fc.constantFrom("-1", "1.5", "abc", "1e3", "99999999999999999999", "", "earliest", "latest", "%20"), fc.string({ maxLength: 6 }).map(encodeURIComponent));
const query = fc.array(fc.tuple(fc.constantFrom("offset", "max_records", "wait_ms", "x"), numberish), { maxLength: 3 })
  .map((pairs) => (pairs.length ? "?" + pairs.map(([k, v]) => `${k}=${v}`).join("&") : ""));
const record = fc.record({
  key: fc.oneof(fc.string(), fc.constant(null), fc.integer()),
  key_b64: fc.oneof(fc.base64String(), fc.string()),
  value: fc.jsonValue({ maxDepth: 2 }),
  value_b64: fc.oneof(fc.base64String(), fc.string()),
  headers: fc.oneof(fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string({ maxLength: 5 }), fc.integer())), fc.array(fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), { maxLength: 6 })),
  partition: fc.oneof(fc.integer({ min: -2, max: 3 }), fc.double(), fc.string({ maxLength: 2 })),
  timestamp: fc.oneof(fc.integer(), fc.double()),
}, { requiredKeys: [] });
const validRecord = fc.record({ key: fc.string({ maxLength: 8 }), value: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] });
const produceBody = fc.oneof(
  { weight: 1, arbitrary: fc.record({ records: fc.array(record, { maxLength: 60 }) }).map((b): BodyInit => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.tuple(fc.array(validRecord, { maxLength: 20 }), fc.option(record, { nil: undefined })).map(([good, odd]): BodyInit => JSON.stringify({ records: odd ? [...good, odd] : good })) },
  { weight: 3, arbitrary: fc.tuple(fc.array(validRecord, { minLength: 1, maxLength: 20 })).map(([good]): BodyInit => JSON.stringify({ records: good })) },
);
const createBody = fc.record({ name: topicSegment, partitions: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.string()), config: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }).map((b): BodyInit => JSON.stringify(b));
const joinBody = fc.record({ topics: fc.array(topicSegment, { maxLength: 3 }), "auto.offset.reset": fc.string({ maxLength: 8 }) }, { requiredKeys: [] }).map((b): BodyInit => JSON.stringify(b));
const jsonBody = fc.oneof(
  fc.record({ records: fc.array(record, { maxLength: 60 }) }).map((b) => JSON.stringify(b)),
  fc.tuple(fc.array(validRecord, { maxLength: 20 }), fc.option(record, { nil: undefined })).map(([good, odd]) => JSON.stringify({ records: odd ? [...good, odd] : good })),
  fc.tuple(fc.array(validRecord, { minLength: 1, maxLength: 20 })).map(([good]) => JSON.stringify({ records: good })),
  fc.record({ name: topicSegment, partitions: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.string()), config: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
  fc.record({ topics: fc.array(topicSegment, { maxLength: 3 }), "auto.offset.reset": fc.string({ maxLength: 8 }) }, { requiredKeys: [] }).map((b) => JSON.stringify(b)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 100 }),
);
const body = fc.oneof(
  { weight: 4, arbitrary: jsonBody.map((text): BodyInit => text) },
  fc.uint8Array({ maxLength: 200 }).map((bytes): BodyInit => bytes as Uint8Array<ArrayBuffer>),
  fc.oneof(fc.record({ records: fc.array(record, { maxLength: 10 }) }), fc.anything({ maxDepth: 2 })).map((v): BodyInit => cbor.encode(v) as Uint8Array<ArrayBuffer>),
  fc.constant(undefined),
);
const groupSegment = fc.oneof(fc.constant("pg"), fc.string({ maxLength: 12 }).map(encodeURIComponent), fc.constantFrom("%20", "a%2Fb", "x".repeat(300)));
const anyMethod = fc.constantFrom("GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS");
/** An endpoint with its own method and body most of the time, any method or body sometimes. */
const endpoint = (method: string, path: fc.Arbitrary<string>, own: fc.Arbitrary<BodyInit | undefined> = fc.constant(undefined)) =>
  fc.tuple(
    fc.oneof({ weight: 4, arbitrary: fc.constant(method) }, { weight: 1, arbitrary: anyMethod }),
    path,
    fc.oneof({ weight: 3, arbitrary: own }, { weight: 1, arbitrary: body }),
  );
const target = fc.oneof<Array<fc.Arbitrary<[string, string, BodyInit | undefined]> | fc.WeightedArbitrary<[string, string, BodyInit | undefined]>>>(
  { weight: 4, arbitrary: endpoint("POST", fc.oneof({ weight: 3, arbitrary: fc.constant(topic) }, { weight: 1, arbitrary: topicSegment }).map((t) => `/v1/topics/${t}/records`), produceBody) },
  endpoint("GET", fc.tuple(topicSegment, numberish, query).map(([t, p, q]) => `/v1/topics/${t}/partitions/${p}/records${q}`)),
  endpoint("GET", fc.tuple(topicSegment, numberish, query).map(([t, p, q]) => `/v1/topics/${t}/partitions/${p}/stream${q}`)),
  endpoint("GET", fc.tuple(topicSegment, query).map(([t, q]) => `/v1/topics/${t}${q}`)),
  endpoint("DELETE", fc.string({ maxLength: 12 }).map((t) => `/v1/topics/${encodeURIComponent(t === topic ? "x" : t)}`)),
  endpoint("POST", fc.constant("/v1/topics"), createBody),
  endpoint("POST", groupSegment.map((g) => `/v1/groups/${g}/members`), joinBody),
  endpoint("GET", fc.tuple(groupSegment, groupSegment, query).map(([g, m, q]) => `/v1/groups/${g}/members/${m}/records${q}`)),
  endpoint("POST", fc.tuple(groupSegment, groupSegment).map(([g, m]) => `/v1/groups/${g}/members/${m}/offsets`)),
  endpoint("DELETE", fc.tuple(groupSegment, groupSegment).map(([g, m]) => `/v1/groups/${g}/members/${m}`)),
  endpoint("GET", groupSegment.map((g) => `/v1/groups/${g}`)),
  endpoint("GET", fc.constantFrom("/v1/topics", "/v1/groups", "/health", "/metrics", "/openapi.json", "/", "/v1", "/v1/topics/", "//v1//topics")),
  fc.tuple(anyMethod, fc.webPath(), body),
);
const request = fc.record({
  target,
  contentType: fc.oneof(
    { weight: 3, arbitrary: fc.constant("application/json") },
    { weight: 2, arbitrary: fc.constantFrom(undefined, "application/cbor", "text/plain", "application/json; charset=latin1", "multipart/form-data", "application/problem+json", "garbage") },
  ),
  accept: fc.constantFrom(undefined, "application/cbor", "application/json", "*/*", "text/html", "application/cbor;q=abc"),
  lastEventId: fc.oneof(fc.constant(undefined), numberish),
});

test("random requests never get a 5xx, and rejected ones change no data", async () => {
  let accepted = 0;
  await fc.assert(fc.asyncProperty(request, async ({ target: [method, path, requestBody], ...r }) => {
    fc.pre(!(method === "DELETE" && new RegExp(`^/v1/topics/${topic}(\\?|$)`).test(path)));
    const headers: Record<string, string> = {};
    if (r.contentType) headers["content-type"] = r.contentType;
    if (r.accept) headers.accept = r.accept;
    if (r.lastEventId !== undefined) headers["last-event-id"] = r.lastEventId;
    const hasBody = requestBody !== undefined && method !== "GET" && method !== "HEAD";
    const before = await snapshot();
    const res = await app.request(path, { method, headers, body: hasBody ? requestBody : undefined });
    if (res.status < 300 && method === "POST") accepted++;
    if (res.headers.get("content-type")?.startsWith("text/event-stream")) await res.body?.cancel();
    else await res.arrayBuffer();
    assert.ok(res.status < 500, `${method} ${path} → ${res.status}`);
    if (res.status >= 400) assert.is(await snapshot(), before, `${method} ${path} → ${res.status} changed data`);
    if (res.status >= 400 && method !== "HEAD") assert.is(res.headers.get("content-type"), "application/problem+json");
  }), { numRuns: 500 });
  assert.ok(accepted >= 5, `only ${accepted} writes were accepted: the generators hardly reach the success paths`);
  const health = await app.request("/health");
  assert.is(health.status, 200, "the app still serves");
});

test.run();
