/**
 * Headers on every console response. The Content-Security-Policy allows only the console's own
 * scripts, styles, images and API calls: no inline script or style, no other origin, no
 * framing, so a value from the log that slipped into markup still could not run.
 */

/** The console's Content-Security-Policy. */
export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/**
 * Sets the security headers on a response.
 *
 * @param headers the response's headers
 * @param data whether it carries data (API answers are never cached)
 */
export function applySecurityHeaders(headers: Headers, data: boolean): void {
  headers.set("content-security-policy", contentSecurityPolicy);
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "no-referrer");
  headers.set("x-frame-options", "DENY");
  headers.set("cache-control", data ? "no-store" : "no-cache");
}
