// Small SVG charts drawn by hand (no library, no network). Every mark carries the
// figure it shows in data-value, exactly as the API gave it.
"use strict";
const Charts = (() => {
  const NS = "http://www.w3.org/2000/svg";
  const COLOURS = ["#2e6da4", "#f0a030", "#4aa564", "#8e5ea2", "#d9534f", "#3bb3c3",
    "#a0785a", "#7f8c8d", "#c2185b", "#5c6bc0"];
  const el = (tag, attrs = {}, text) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const title = (node, text) => { node.appendChild(el("title", {}, text)); return node; };
  const num = (v) => (v === null || v === undefined ? 0 : Number(v));
  const fmt = (v) => num(v).toLocaleString("en-US", { maximumFractionDigits: 0 });
  const pct = (v) => `${(num(v) * 100).toFixed(0)}%`;
  const frame = (container, width, height, name) => {
    container.replaceChildren();
    const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": name });
    container.appendChild(svg);
    return svg;
  };
  const empty = (container, text) => {
    container.replaceChildren();
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = text;
    container.appendChild(p);
  };
  const legend = (container, names, colour) => {
    const div = document.createElement("div");
    div.className = "legend";
    for (const name of names) {
      const span = document.createElement("span");
      const swatch = document.createElement("i");
      swatch.style.background = colour(name);
      span.append(swatch, name);
      div.appendChild(span);
    }
    container.appendChild(div);
  };
  const palette = (names) => (name) => COLOURS[names.indexOf(name) % COLOURS.length];

  // Funnel: centred bars narrowing stage by stage.
  function funnel(container, steps) {
    if (!steps.length) return empty(container, "No opportunities.");
    const width = 560, row = 34, height = steps.length * row + 10;
    const svg = frame(container, width, height, "Pipeline funnel");
    const most = Math.max(1, ...steps.map((s) => num(s.reached)));
    steps.forEach((s, i) => {
      const w = Math.max(2, (num(s.reached) / most) * 330), y = 5 + i * row;
      const rect = el("rect", { x: 220 + (330 - w) / 2, y, width: w, height: row - 8,
        fill: COLOURS[0], "fill-opacity": 1 - i * 0.1, "data-value": s.reached,
        "data-stage": s.stage, class: "funnel-step" });
      const rate = s.stage_conversion === null ? "" : pct(s.stage_conversion);
      const conv = rate && ` (${rate})`;
      svg.appendChild(title(rect, `${s.stage}: ${s.reached} reached` +
        (rate && `, stage conversion ${rate}`)));
      svg.appendChild(el("text", { x: 0, y: y + row / 2 }, `${s.stage.replaceAll("_", " ")}`));
      svg.appendChild(el("text", { x: 130, y: y + row / 2 }, `${s.reached}${conv}`));
    });
  }

  // Horizontal stacked bars: one per group, a segment per series.
  function stacked(container, groups, series, cell, unit = "", none = "Nothing to show.", colours) {
    if (!groups.length) return empty(container, none);
    const width = 560, row = 28, height = groups.length * row + 20;
    const svg = frame(container, width, height, "Stacked bars");
    const colour = colours || palette(series);
    const total = (g) => series.reduce((sum, s) => sum + num(cell(g, s)), 0);
    const most = Math.max(1, ...groups.map(total));
    groups.forEach((g, i) => {
      const y = 5 + i * row;
      let x = 140;
      svg.appendChild(el("text", { x: 0, y: y + row / 2 }, g));
      for (const s of series) {
        const value = cell(g, s);
        if (value === undefined || num(value) === 0) continue;
        const w = (num(value) / most) * 330;
        const rect = el("rect", { x, y, width: w, height: row - 8, fill: colour(s),
          "data-value": value, "data-group": g, "data-series": s, class: "segment" });
        svg.appendChild(title(rect, `${g}, ${s}: ${fmt(value)} ${unit}`));
        x += w;
      }
      svg.appendChild(el("text", { x: x + 4, y: y + row / 2 }, `${fmt(total(g))} ${unit}`));
    });
    legend(container, series, colour);
  }

  // Vertical grouped bars of ratios, with the 100% target line.
  function grouped(container, groups, series, cell) {
    if (!groups.length) return empty(container, "No targets set for this period.");
    const width = 560, height = 230, base = 190, top = 15;
    const svg = frame(container, width, height, "Grouped bars");
    const colour = palette(series);
    const values = groups.flatMap((g) => series.map((s) => num(cell(g, s))));
    const most = Math.max(1.2, ...values);
    const y = (v) => base - (v / most) * (base - top);
    const slot = (width - 40) / groups.length, bar = Math.min(22, (slot - 10) / series.length);
    svg.appendChild(el("line", { x1: 40, x2: width, y1: base, y2: base, class: "axis" }));
    svg.appendChild(el("line", { x1: 40, x2: width, y1: y(1), y2: y(1), class: "target" }));
    svg.appendChild(el("text", { x: 0, y: y(1) + 4 }, "100%"));
    groups.forEach((g, i) => {
      const x0 = 45 + i * slot;
      series.forEach((s, j) => {
        const value = cell(g, s);
        if (value === undefined || value === null) return;
        const rect = el("rect", { x: x0 + j * bar, y: y(num(value)), width: bar - 2,
          height: base - y(num(value)), fill: colour(s), "data-value": value,
          "data-group": g, "data-series": s, class: "attainment" });
        svg.appendChild(title(rect, `${g}, ${s}: ${pct(value)} of target`));
      });
      svg.appendChild(el("text", { x: x0, y: base + 16 }, g));
    });
    legend(container, series, colour);
  }

  // Line chart over periods: a polyline and a dot per figure.
  function lines(container, labels, series, cell, unit = "") {
    if (!labels.length) return empty(container, "No periods.");
    const width = 560, height = 230, left = 70, base = 190, top = 15;
    const svg = frame(container, width, height, "Trend");
    const colour = palette(series);
    const most = Math.max(1, ...labels.flatMap((l) => series.map((s) => num(cell(l, s)))));
    const x = (i) => left + (labels.length === 1 ? 0 : (i * (width - left - 40)) / (labels.length - 1));
    const y = (v) => base - (num(v) / most) * (base - top);
    for (const f of [0, 0.5, 1]) {
      svg.appendChild(el("line", { x1: left, x2: width, y1: y(most * f), y2: y(most * f), class: "grid" }));
      svg.appendChild(el("text", { x: 0, y: y(most * f) + 4 }, fmt(most * f)));
    }
    const step = Math.ceil(labels.length / 7);
    labels.forEach((l, i) => {
      if (i % step === 0) svg.appendChild(el("text", { x: x(i) - 18, y: base + 16 }, l));
    });
    for (const s of series) {
      const points = labels.map((l, i) => `${x(i)},${y(cell(l, s))}`).join(" ");
      svg.appendChild(el("polyline", { points, fill: "none", stroke: colour(s), "stroke-width": 2 }));
      labels.forEach((l, i) => {
        const value = cell(l, s);
        const dot = el("circle", { cx: x(i), cy: y(value), r: 3.5, fill: colour(s),
          "data-value": value === null ? "" : value, "data-period": l, "data-series": s,
          class: "point" });
        svg.appendChild(title(dot, `${l} ${s}: ${fmt(value)} ${unit}`));
      });
    }
    legend(container, series, colour);
  }

  // Timeline of a case: one dot per event, coloured by SOP section.
  function timeline(container, entries) {
    if (!entries.length) return empty(container, "No events for this case.");
    const width = 900, height = 90, left = 20, right = 20;
    const svg = frame(container, width, height, "Case timeline");
    const times = entries.map((e) => Date.parse(e.recorded_at));
    const first = Math.min(...times), last = Math.max(...times), span = Math.max(1, last - first);
    const sections = [...new Set(entries.map((e) => e.sop_step.split(".").slice(0, 2).join(".")))];
    const colour = palette(sections);
    const x = (t) => left + ((t - first) / span) * (width - left - right);
    svg.appendChild(el("line", { x1: left, x2: width - right, y1: 45, y2: 45, class: "axis" }));
    entries.forEach((e, i) => {
      const section = e.sop_step.split(".").slice(0, 2).join(".");
      const dot = el("circle", { cx: x(times[i]), cy: 45 + ((i % 3) - 1) * 12, r: 5,
        fill: colour(section), "data-value": e.position, "data-step": e.sop_step, class: "event" });
      svg.appendChild(title(dot, `${e.recorded_at} ${e.sop_step} ${e.actor_name}: ${e.description}`));
    });
    svg.appendChild(el("text", { x: left, y: 85 }, new Date(first).toISOString().slice(0, 10)));
    svg.appendChild(el("text", { x: width - right - 70, y: 85 }, new Date(last).toISOString().slice(0, 10)));
    legend(container, sections.map((s) => `SOP ${s}`), (n) => colour(n.slice(4)));
  }

  return { funnel, stacked, grouped, lines, timeline, empty, fmt, pct };
})();
