/**
 * What a route declares about itself: method, path, parameters, bodies, responses and the
 * access it needs. The router registers the handler from it, the auth middleware reads its
 * `access`, and `/openapi.json` is generated from all of them.
 */
import type { Access } from "../../auth/auth-config.ts";

/** A JSON Schema (the OpenAPI 3.1 dialect), as a plain object. */
export type JsonSchema = Record<string, unknown>;

/** HTTP methods the API uses. */
export type Method = "get" | "post" | "put" | "delete";

/** A path, query or header parameter. */
export interface ParamSpec {
  name: string;
  in: "path" | "query" | "header";
  description: string;
  schema: JsonSchema;
  required?: boolean;
}

/** A response a route may give (errors are added for every route). */
export interface ResponseSpec {
  description: string;
  schema?: JsonSchema;
  /** Defaults to JSON (and CBOR when the route speaks it). */
  mediaType?: string;
}

/**
 * Who may call a route: anyone (`public`), any valid token (`token`), a token with an access
 * right on the topic named in the path (`{ access, topic: "path" }`), or a token with the read
 * right on the consumer group named in the path (`{ group: "path" }`; group rights are read
 * only). Topics that come from the body, or from a group's assignments, are checked by the
 * handler on top of what the route declares.
 */
export type RouteAccess = "public" | "token" | { access: Access; topic: "path" } | { group: "path" };

/** A route's declaration. */
export interface RouteSpec {
  method: Method;
  /** Hono syntax: `/v1/topics/:topic`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params?: ParamSpec[];
  body?: { description: string; schema: JsonSchema; cbor?: boolean };
  responses: Record<number, ResponseSpec>;
  /** Whether JSON responses may also be CBOR (by `Accept`). */
  cbor?: boolean;
  access: RouteAccess;
}
