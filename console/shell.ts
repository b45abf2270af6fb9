/**
 * The page shell every console URL answers with: no data, only the layout, the stylesheet and
 * the script module, which reads the URL and renders the page through the API. The base path
 * and whether a token is needed ride on `<body>` data attributes (no inline script).
 */

/**
 * The shell's HTML.
 *
 * @param basePath where the console is mounted (validated: `/` and plain path characters)
 * @param authRequired whether the page must ask for a token before any data call
 * @returns the document
 */
export function shellHtml(basePath: string, authRequired: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rivulet console</title>
<link rel="icon" href="${basePath}/assets/icon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${basePath}/assets/console.css">
<script type="module" src="${basePath}/assets/app.js"></script>
</head>
<body data-base="${basePath}" data-auth="${authRequired ? "required" : "off"}">
<a class="skip" href="#main">Skip to content</a>
<header class="top">
<a class="brand" href="${basePath}">Rivulet</a>
<nav aria-label="Main"><ul>
<li><a href="${basePath}">Overview</a></li>
<li><a href="${basePath}/groups">Groups</a></li>
<li><a href="${basePath}/processors">Processors</a></li>
</ul></nav>
<div id="session" class="session"></div>
</header>
<main id="main" tabindex="-1"><p class="muted">Loading…</p></main>
<noscript><p>The console needs JavaScript.</p></noscript>
</body>
</html>
`;
}
