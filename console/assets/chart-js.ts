/** `chart.js`: a line chart in SVG, drawn from numbers with text labels only. */
export default String.raw`
import { h, svg } from "./dom.js";
import { plural } from "./format.js";

const width = 640;
const height = 200;
const pad = { left: 56, right: 12, top: 12, bottom: 28 };

function clock(ms) {
  const d = new Date(ms);
  return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
}

// points: [{ t: ms, v: number }], oldest first; windowMs: the span the x axis covers.
export function lineChart(points, options) {
  const label = options.label;
  const format = options.format || String;
  const now = options.now;
  const from = now - options.windowMs;
  const highest = Math.max(0, ...points.map((p) => p.v));
  // The y axis spans at least 1, so a flat zero line still has a scale.
  const max = Math.max(1, highest);
  const x = (t) => pad.left + ((t - from) / options.windowMs) * (width - pad.left - pad.right);
  const y = (v) => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  const last = points.length ? points[points.length - 1] : null;
  const summary = label + ": " + plural(points.length, "sample") + " over the last " + Math.round(options.windowMs / 60000) +
    " minutes" + (last ? ", latest " + format(last.v) + ", highest " + format(highest) : "");
  const chart = svg("svg", { viewBox: "0 0 " + width + " " + height, class: "chart", role: "img", "aria-label": summary },
    svg("line", { x1: pad.left, y1: y(0), x2: width - pad.right, y2: y(0), class: "axis" }),
    svg("line", { x1: pad.left, y1: pad.top, x2: pad.left, y2: y(0), class: "axis" }),
    svg("text", { x: pad.left - 6, y: y(max) + 4, class: "tick", "text-anchor": "end" }, format(max)),
    svg("text", { x: pad.left - 6, y: y(0), class: "tick", "text-anchor": "end" }, format(0)),
    svg("text", { x: pad.left, y: height - 8, class: "tick" }, clock(from)),
    svg("text", { x: width - pad.right, y: height - 8, class: "tick", "text-anchor": "end" }, clock(now)),
    points.length > 1 ? svg("polyline", { class: "line", points: points.map((p) => x(p.t).toFixed(1) + "," + y(p.v).toFixed(1)).join(" ") }) : null,
    points.map((p) => svg("circle", { class: "dot", cx: x(p.t).toFixed(1), cy: y(p.v).toFixed(1), r: 2.5 },
      svg("title", {}, clock(p.t) + " " + format(p.v)))));
  return h("figure", { class: "chart-figure" }, h("figcaption", {}, label), chart,
    h("p", { class: "muted small" }, summary));
}
`;
