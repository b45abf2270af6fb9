/**
 * The console's static assets, held in memory as strings (no file system, no build step, no
 * network): served at `{base}/assets/{name}` with their media types. The page scripts are
 * plain ES modules written by hand; they build the DOM with text nodes only.
 */
import apiJs from "./api-js.ts";
import appJs from "./app-js.ts";
import browserJs from "./browser-js.ts";
import chartJs from "./chart-js.ts";
import consoleCss from "./console-css.ts";
import domJs from "./dom-js.ts";
import formatJs from "./format-js.ts";
import groupsJs from "./groups-js.ts";
import iconSvg from "./icon-svg.ts";
import overviewJs from "./overview-js.ts";
import processorsJs from "./processors-js.ts";
import produceJs from "./produce-js.ts";
import recordsJs from "./records-js.ts";
import tailJs from "./tail-js.ts";
import topicJs from "./topic-js.ts";

/** One asset: its media type and body. */
export interface Asset {
  type: string;
  body: string;
}

const js = "text/javascript; charset=utf-8";

/** Every asset by file name. */
export const assets: ReadonlyMap<string, Asset> = new Map([
  ["api.js", { type: js, body: apiJs }],
  ["app.js", { type: js, body: appJs }],
  ["browser.js", { type: js, body: browserJs }],
  ["chart.js", { type: js, body: chartJs }],
  ["dom.js", { type: js, body: domJs }],
  ["format.js", { type: js, body: formatJs }],
  ["groups.js", { type: js, body: groupsJs }],
  ["overview.js", { type: js, body: overviewJs }],
  ["processors.js", { type: js, body: processorsJs }],
  ["produce.js", { type: js, body: produceJs }],
  ["records.js", { type: js, body: recordsJs }],
  ["tail.js", { type: js, body: tailJs }],
  ["topic.js", { type: js, body: topicJs }],
  ["console.css", { type: "text/css; charset=utf-8", body: consoleCss }],
  ["icon.svg", { type: "image/svg+xml", body: iconSvg }],
]);
