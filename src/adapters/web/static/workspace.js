// The dashboard's charts, drawn by Apache ECharts (static/vendor) from the rows of the
// page's own tables (#chart-data holds the same cells); no figure is worked out here.
"use strict";
(() => {
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  // axis ticks only (the axis is named by its currency); every value label is a cell of
  // the table as the server formatted it (shown), so a chart reads as its table does
  const money = (v) => Number(v).toLocaleString("en", { maximumFractionDigits: 0 });
  const pct = (v) => `${(Number(v) * 100).toFixed(0)} %`;
  const col = (table, name) => data[table].columns.indexOf(name);
  const unique = (xs) => [...new Set(xs)];
  // one bar, point or slice: its figure, and the row of the table it is drawn from
  const item = (table, index, column) => {
    const cell = data[table].rows[index][column];
    return cell === "" ? null : { value: Number(cell), table, row: index, column };
  };
  const shown = (p) => (p.data ? data[p.data.table].shown[p.data.row][p.data.column] : "");
  const esc = (text) => echarts.format.encodeHTML(String(text));
  const tip = (points) => {
    const drawn = [].concat(points).filter((p) => p.data && p.data.table);
    if (!drawn.length) return "";
    return [esc(drawn[0].name), ...drawn.map((p) => `${p.marker}${esc(p.seriesName)}: ${esc(shown(p))}`)].join("<br>");
  };
  const base = (extra) => ({
    animation: false,
    textStyle: { fontFamily: "system-ui, sans-serif" },
    tooltip: { trigger: "axis", confine: true, formatter: tip },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 8, right: 16, top: 40, bottom: 40, containLabel: true },
    ...extra,
  });
  const label = (position = "top") => ({ show: true, position, formatter: shown, fontSize: 11 });
  // a segment of a stacked bar: its figure unless it is zero (a zero segment has no height)
  const segment = () => ({ ...label("inside"), formatter: (p) => (p.value ? shown(p) : "") });
  // ... and only where it fits inside the segment (the tooltip and the table have it all)
  const fits = (p) => (p.labelRect.width > p.rect.width - 2 || p.labelRect.height > p.rect.height
    ? { fontSize: 0 } : { hideOverlap: true });

  function grouped(table, xName, seriesName, valueName, xs) {
    const rows = data[table].rows, [x, s, v] = [col(table, xName), col(table, seriesName), col(table, valueName)];
    const names = unique(rows.map((r) => r[s]));
    const xsAll = xs || unique(rows.map((r) => r[x]));
    return { xs: xsAll, series: names.map((name) => ({ name, values: xsAll.map((k) => {
      const index = rows.findIndex((r) => r[x] === k && r[s] === name);
      return index < 0 ? null : item(table, index, v); }) })) };
  }

  const charts = {
    "open-pipeline": () => {
      const rows = data["open-pipeline"].rows, stage = col("open-pipeline", "Stage");
      const stages = data.stages.filter((s) => rows.some((r) => r[stage] === s));
      const g = grouped("open-pipeline", "Stage", "Owner", "Amount", stages);
      const currency = rows.length ? rows[0][col("open-pipeline", "Currency")] : data.currency;
      return base({
        xAxis: { type: "category", data: g.xs.map((s) => s.replace("_", " ")), axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: "value", name: currency, min: 0, axisLabel: { formatter: money } },
        series: g.series.map((s) => ({ name: s.name, type: "bar", stack: "owner", data: s.values,
          barMaxWidth: 120, label: segment(), labelLayout: fits })),
      });
    },
    forecast: () => {
      const t = "forecast", rows = data[t].rows, who = rows.map((r) => r[col(t, "Representative")]);
      const part = (name) => ({ name, type: "bar", stack: "forecast", barMaxWidth: 120,
        data: rows.map((_, i) => item(t, i, col(t, name))), label: segment(), labelLayout: fits });
      return base({
        xAxis: { type: "category", data: who, axisLabel: { interval: 0, rotate: 20 } },
        yAxis: { type: "value", name: data.currency, min: 0, axisLabel: { formatter: money } },
        series: [part("Won"), part("Commit"), part("Best case"), part("Pipeline"),
          { name: "Target", type: "scatter", symbol: "diamond", symbolSize: 16, itemStyle: { color: "#a4161a" },
            data: rows.map((_, i) => item(t, i, col(t, "Target"))), label: label("top") }],
      });
    },
    attainment: (el) => {
      const g = grouped("attainment", "Representative", "Measure", "Attainment");
      el.style.height = `${Math.max(320, g.xs.length * g.series.length * 16 + 120)}px`;
      return base({
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, confine: true, formatter: tip },
        grid: { left: 8, right: 64, top: 16, bottom: 48, containLabel: true },
        yAxis: { type: "category", data: g.xs, inverse: true },
        xAxis: { type: "value", min: 0, axisLabel: { formatter: pct }, axisLine: { show: true } },
        series: g.series.map((s, i) => ({ name: s.name.replaceAll("_", " "), type: "bar", data: s.values,
          label: label("right"), barMaxWidth: 18,
          ...(i === 0 ? { markLine: { silent: true, symbol: "none", lineStyle: { color: "#1b1f24" },
            label: { show: false }, data: [{ xAxis: 0 }, { xAxis: 1 }] } } : {}) })),
      });
    },
    revenue: () => {
      const t = "revenue", g = grouped(t, "Period", "Group", "Revenue");
      const targets = grouped(t, "Period", "Group", "Revenue target", g.xs);
      const currency = data[t].rows.length ? data[t].rows[0][col(t, "Currency")] : data.currency;
      return base({
        xAxis: { type: "category", data: g.xs },
        yAxis: { type: "value", name: currency, min: 0, axisLabel: { formatter: money } },
        series: [...g.series.map((s) => ({ name: `${s.name} revenue`, type: "line", data: s.values, label: label() })),
          ...targets.series.filter((s) => s.values.some((v) => v !== null)).map((s) => ({
            name: `${s.name} target`, type: "line", step: "middle", data: s.values,
            lineStyle: { type: "dashed" }, symbol: "diamond", symbolSize: 10 }))],
      });
    },
    "breaches-by-rule": () => {
      const t = "breaches-by-rule", rows = data[t].rows;
      return base({
        tooltip: { trigger: "item", confine: true, formatter: tip },
        grid: { left: 8, right: 32, top: 16, bottom: 24, containLabel: true },
        xAxis: { type: "value", min: 0, minInterval: 1 },
        yAxis: { type: "category", inverse: true, data: rows.map((r) => `${r[col(t, "SOP step")]} ${r[col(t, "Rule")]}`) },
        series: [{ name: "Breaches", type: "bar", data: rows.map((_, i) => item(t, i, col(t, "Breaches"))), label: label("right") }],
      });
    },
  };

  const drawn = [];
  for (const el of document.querySelectorAll("[data-chart]")) {
    const make = charts[el.dataset.chart];
    const rows = data[el.dataset.chart].rows;
    if (!rows.length) { el.textContent = "No figures for this choice."; el.classList.add("empty"); el.style.height = "auto"; continue; }
    const option = make(el);  // may size the element first
    const chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    // a bar, point or slice opens the records behind it: the link of its table's row
    chart.on("click", (p) => {
      const href = p.data && p.data.table ? data[p.data.table].links[p.data.row] : null;
      if (href) window.location.assign(href);
    });
    drawn.push(chart);
  }
  window.addEventListener("resize", () => drawn.forEach((c) => c.resize()));
  document.body.dataset.ready = "true";
})();
