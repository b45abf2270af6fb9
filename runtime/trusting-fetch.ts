/**
 * A `fetch` that trusts one more certificate besides the system's root certificates: the one a
 * cluster's brokers serve HTTPS with (`--tls-cert`, often self-signed, or the CA that signed
 * theirs), which the runtime's own `fetch` does not trust. Brokers forward HTTP requests to each
 * other with it, as their Kafka channels connect with the same certificate (`brokerTls`).
 *
 * Bun's `fetch` takes `tls.ca`. Node's takes nothing of the kind (its undici is not importable),
 * so there the requests go through `node:https` (trusting-fetch-node.ts), and so they do on Deno:
 * its `fetch` can be given the certificate (`Deno.createHttpClient({ caCerts })`), but its
 * verifier refuses a self-signed certificate that says it is a CA (`CaUsedAsEndEntity`), which is
 * what `openssl req -x509` makes by default, while its `node:https` (like the Kafka channels'
 * `node:tls`) accepts it. Bodies stream both ways and `signal` aborts the request and its
 * answer's body, on all three.
 */
import { rootCertificates } from "node:tls";
import { runtimeName } from "./runtime-name.ts";

/** The part of `fetch` that brokers call each other with. */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

/**
 * A fetch that trusts `ca` (PEM) as well as the system's root certificates. Plain `http:` URLs
 * are fetched as by the global `fetch`.
 *
 * @param ca the certificate to trust: the brokers' own, or the CA that signed theirs
 * @returns the fetch
 * @example
 * ```ts
 * const brokerFetch = trustingFetch(readFileSync("cert.pem", "utf8"));
 * const answer = await brokerFetch("https://127.0.0.1:8443/health");
 * ```
 */
export function trustingFetch(ca: string): FetchLike {
  switch (runtimeName) {
    case "bun": {
      const tls = { ca: [...rootCertificates, ca] };
      return (url, init) => fetch(url, { ...init, tls } as RequestInit);
    }
    case "deno":
    case "node": {
      let node: Promise<FetchLike> | null = null;
      return async (url, init) => {
        node ??= import("./trusting-fetch-node.ts").then((m) => m.nodeTrustingFetch([...rootCertificates, ca]));
        return (await node)(url, init);
      };
    }
  }
}
