/** `GET /openapi.json` (generated from the route declarations) and `GET /docs` (a reference page). */
import type { HttpContext } from "../context.ts";
import { docsPage } from "../openapi/docs-page.ts";
import type { RouteRegistry } from "../openapi/registry.ts";
import type { Router } from "../router.ts";

/** The API's version in the OpenAPI document. */
export const apiVersion = "0.1.0";

/** Declares the OpenAPI and docs routes. */
export function openApiRoutes(router: Router, ctx: HttpContext, registry: RouteRegistry): void {
  const info = {
    title: "Rivulet HTTP API",
    version: apiVersion,
    description: "Topics, records (JSON or CBOR), long-poll fetch, Server-Sent Events and consumer groups. Errors are application/problem+json with a stable code.",
  };
  let document: string | null = null;
  router.route({
    method: "get", path: "/openapi.json", operationId: "openapi", tag: "operations", summary: "This API's OpenAPI 3.1 document", access: "public",
    responses: { 200: { description: "The document", schema: { type: "object" } } },
  }, () => {
    document ??= JSON.stringify(registry.document(info, ctx.options.auth !== null));
    return new Response(document, { headers: { "content-type": "application/json" } });
  });
  router.route({
    method: "get", path: "/docs", operationId: "docs", tag: "operations", summary: "Interactive API reference (self-contained HTML)", access: "public",
    responses: { 200: { description: "An HTML page", mediaType: "text/html", schema: { type: "string" } } },
  }, () => new Response(docsPage, { headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'" } }));
}
