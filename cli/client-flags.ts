import type { ServerClientOptions } from "./server-client.ts";

/** Flags every client verb takes. */
export const clientFlags = {
  url: { type: "string" as const },
  token: { type: "string" as const },
};

/** The server address and token from flags or the environment. */
export function clientOptions(values: { url?: string | boolean; token?: string | boolean }): ServerClientOptions {
  const url = (typeof values.url === "string" ? values.url : undefined) ?? process.env.RIVULET_URL ?? "http://127.0.0.1:8080";
  const token = (typeof values.token === "string" ? values.token : undefined) ?? process.env.RIVULET_TOKEN;
  return { url, token };
}
