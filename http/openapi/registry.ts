/** Collects route declarations and generates the OpenAPI 3.1 document from them. */
import type { JsonSchema, ParamSpec, RouteAccess, RouteSpec } from "./route-spec.ts";
import { problemSchema } from "./schemas.ts";

/** Document-level facts for {@link RouteRegistry.document}. */
export interface ApiInfo {
  title: string;
  version: string;
  description: string;
}

const errorStatuses: Record<string, string> = {
  "400": "Bad input (invalid topic name, offset, record, malformed body, too many headers)",
  "401": "Missing or unknown bearer token",
  "403": "The token lacks the needed right",
  "404": "Unknown topic, partition, group or member",
  "413": "Body, record or record count past its limit",
  "415": "Unsupported content type",
  "429": "Too many open streams, or a full queue",
  "503": "Partition restarting or offline (retriable when marked)",
};

/** A route's declared access in words, for the document's `x-rivulet-access`. */
function accessText(access: RouteAccess): string {
  if (access === "public") return "none";
  if (access === "token") return "a valid bearer token";
  if ("group" in access) return "read on the group in the path";
  return `${access.access} on the topic in the path`;
}

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_]+)/g, "{$1}");
}

function parameter(param: ParamSpec): Record<string, unknown> {
  return { name: param.name, in: param.in, description: param.description, required: param.in === "path" ? true : param.required ?? false, schema: param.schema };
}

function content(schema: JsonSchema | undefined, mediaTypes: string[]): Record<string, unknown> | undefined {
  if (!schema) return undefined;
  return Object.fromEntries(mediaTypes.map((type) => [type, { schema }]));
}

/** Every route the app declares, in declaration order. */
export class RouteRegistry {
  readonly routes: RouteSpec[] = [];

  /** Records a route's declaration. */
  add(spec: RouteSpec): void {
    this.routes.push(spec);
  }

  /**
   * The OpenAPI 3.1 document of every declared route.
   *
   * @param info title, version and description
   * @param authEnabled whether routes other than `public` ones need a bearer token
   * @returns the document, as a plain object
   */
  document(info: ApiInfo, authEnabled: boolean): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const spec of this.routes) {
      const types = spec.cbor ? ["application/json", "application/cbor"] : ["application/json"];
      const responses: Record<string, unknown> = {};
      for (const [status, response] of Object.entries(spec.responses)) {
        responses[status] = { description: response.description, content: content(response.schema, response.mediaType ? [response.mediaType] : types) };
      }
      for (const [status, description] of Object.entries(errorStatuses)) {
        if (!(status in responses)) responses[status] = { description, content: { "application/problem+json": { schema: problemSchema } } };
      }
      const operation: Record<string, unknown> = {
        operationId: spec.operationId,
        summary: spec.summary,
        description: spec.description,
        tags: [spec.tag],
        parameters: (spec.params ?? []).map(parameter),
        responses,
      };
      if (spec.body) {
        operation.requestBody = { required: true, description: spec.body.description, content: content(spec.body.schema, spec.body.cbor ? ["application/json", "application/cbor"] : ["application/json"]) };
      }
      if (authEnabled) operation["x-rivulet-access"] = accessText(spec.access);
      if (spec.access === "public") operation.security = [];
      (paths[openApiPath(spec.path)] ??= {})[spec.method] = operation;
    }
    const document: Record<string, unknown> = {
      openapi: "3.1.0",
      info,
      paths,
      components: { schemas: { Problem: problemSchema } },
    };
    if (authEnabled) {
      (document.components as Record<string, unknown>).securitySchemes = { bearer: { type: "http", scheme: "bearer" } };
      document.security = [{ bearer: [] }];
    }
    return document;
  }
}
