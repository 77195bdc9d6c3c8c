// The managers' dashboard: signs in once with an API token (an HttpOnly session cookie
// then carries the session; no secret is kept by the page or put in an address), reads
// the JSON views and draws them.
"use strict";
(() => {
  const STAGES = ["contact", "needs_analysis", "solution_design", "solution_presented",
    "quoted", "negotiation", "won", "lost"];
  const STAGE_COLOURS = { contact: "#c6dbef", needs_analysis: "#9ecae1", solution_design: "#6baed6",
    solution_presented: "#4292c6", quoted: "#2171b5", negotiation: "#08519c", won: "#4aa564",
    lost: "#b0b7bf" };
  const TARGETS = ["revenue", "profit", "units", "new_customers", "visits"];
  const $ = (id) => document.getElementById(id);
  const chart = (name) => document.querySelector(`[data-chart="${name}"]`);
  let csrf = "";  // the session's CSRF secret, for the one change this page makes (sign-out)

  async function api(path, query = {}) {
    const url = new URL(path, location.origin);
    for (const [k, v] of Object.entries(query)) if (v) url.searchParams.set(k, v);
    const response = await fetch(url, { credentials: "same-origin" });
    const body = await response.json();
    if (!response.ok) throw Object.assign(new Error(body.message), { status: response.status, body });
    return body;
  }

  // A view that stopped on an event answers 503 view_stopped: its panels say which view,
  // on which event and why, in place of their charts; the other panels still draw.
  const isStopped = (error) => error.status === 503 && error.body?.kind === "view_stopped";
  const stoppedText = (b) =>
    `The ${b.view} view stopped at log position ${b.position} on ${b.event}: ${b.reason}. ` +
    "Its figures are not shown; the other panels are up to date.";
  async function panel(charts, draw) {
    try {
      await draw();
    } catch (error) {
      if (!isStopped(error)) throw error;
      for (const name of charts) {
        Charts.empty(chart(name), stoppedText(error.body));
        chart(name).dataset.stopped = error.body.view;
      }
    }
  }

  async function stoppedViews() {
    const views = (await api("/views/status")).views.filter((v) => v.error);
    const banner = $("stopped");
    banner.hidden = !views.length;
    banner.dataset.views = views.map((v) => v.name).join(" ");
    banner.textContent = views.map((v) => `View ${v.name} stopped at log position ` +
      `${v.error_position} on ${v.error_event}: ${v.error}`).join(" · ");
  }

  const today = new Date().toISOString().slice(0, 10);
  $("since").value = `${today.slice(0, 4)}-01-01`;
  $("until").value = today;
  const asAt = () => ($("as-at").value ? new Date($("as-at").value).toISOString() : "");
  const period = () => ({ since: $("since").value, until: $("until").value });

  async function pipeline() {
    const summary = await api("/views/pipeline/summary", { as_of: asAt() });
    Charts.funnel(chart("funnel"), summary.funnel);
    const rate = summary.win_rate === null ? "n/a" : Charts.pct(summary.win_rate);
    $("funnel-note").textContent = `${summary.count} opportunities, ${summary.open_count} open; ` +
      `win rate ${rate}; as at ${summary.as_of.slice(0, 16).replace("T", " ")} UTC`;
    const total = summary.in_reporting_currency, weighted = $("open-weighted");
    weighted.dataset.value = total.amount ?? "";
    weighted.dataset.currency = total.currency;
    const perCurrency = Object.entries(summary.open_weighted)
      .map(([code, amount]) => `${Charts.fmt(amount)} ${code}`).join(", ");
    weighted.textContent = total.amount === null
      ? `Open pipeline, weighted: ${perCurrency}; no total in ${total.currency}: no exchange ` +
        `rate for ${total.missing.join(", ")}`
      : `Open pipeline, weighted: ${Charts.fmt(total.amount)} ${total.currency}` +
        (total.rates.length ? ` (${perCurrency}; ${total.rates.map((r) =>
          `${r.currency} at ${r.rate} from ${r.effective_from}`).join(", ")})` : "");
    const cells = summary.value_by_stage_and_owner;
    const owners = [...new Set(cells.map((c) => c.owner_name))];
    const stages = STAGES.filter((s) => cells.some((c) => c.stage === s));
    const currency = cells.length ? cells[0].currency : "";
    Charts.stacked(chart("stage-owner"), owners, stages,
      (o, s) => cells.find((c) => c.owner_name === o && c.stage === s)?.amount, currency,
      "No opportunities.", (s) => STAGE_COLOURS[s]);
    const rows = await cases({ as_of: asAt() });
    const select = $("case"), chosen = select.value;
    select.replaceChildren(...rows.map(caseOption));
    if (chosen && rows.some((r) => r.opportunity_id === chosen)) select.value = chosen;
    await panel(["audit"], trail);
  }

  // The cases to pick from: the pipeline a page at a time (the first page, then "More
  // cases" asks for the next with the page's cursor), never the whole list at once.
  const CASES_PER_PAGE = "200";
  let casesCursor = null;
  async function cases(query) {
    const page = await api("/views/pipeline", { ...query, limit: CASES_PER_PAGE });
    casesCursor = page.next_cursor;
    $("more-cases").hidden = !casesCursor;
    return page.rows;
  }
  const caseOption = (r) => new Option(
    `${r.customer_name}: ${r.title} (${r.stage.replaceAll("_", " ")}, ${r.owner_name})`,
    r.opportunity_id);
  async function moreCases() {
    if (casesCursor) $("case").append(...(await cases({ cursor: casesCursor })).map(caseOption));
  }

  // Revenue and profit of every currency in the reporting currency, each day's sums at
  // that day's rate (ADR 48); a period with a rate missing is left without a point.
  async function revenue() {
    const kpi = await api("/views/kpi", { grain: $("grain").value, by: "total", ...period() });
    const rows = kpi.in_reporting_currency;
    const labels = rows.map((r) => r.period);
    const unit = rows.length ? rows[0].currency : "";
    Charts.lines(chart("revenue"), labels, ["revenue", "profit"],
      (l, s) => rows.find((r) => r.period === l)[s], unit);
  }

  async function attainment() {
    const grain = $("attainment-grain").value;
    const kpi = await api("/views/kpi", { grain, by: "rep", ...period() });
    const withTargets = kpi.rows.filter((r) => Object.keys(r.target).length);
    const periods = [...new Set(withTargets.map((r) => r.period))];
    const select = $("attainment-period"), chosen = select.value;
    select.replaceChildren(...periods.map((p) => new Option(p, p)));
    select.value = periods.includes(chosen) ? chosen : periods[periods.length - 1] || "";
    const rows = withTargets.filter((r) => r.period === select.value);
    const measures = TARGETS.filter((m) => rows.some((r) => m in r.attainment));
    Charts.grouped(chart("attainment"), rows.map((r) => r.label), measures,
      (label, m) => rows.find((r) => r.label === label).attainment[m]);
  }

  async function breaches() {
    try {
      const found = (await api("/views/breaches", { as_at: asAt() })).breaches;
      const steps = [...new Set(found.map((b) => b.step))];
      if (!found.length) Charts.empty(chart("breaches"), "No open breaches.");
      else Charts.stacked(chart("breaches"), steps, ["open", "late"],
        (s, kind) => String(found.filter((b) => b.step === s && (b.actual ? "late" : "open") === kind).length));
    } catch (error) {
      if (error.body?.kind !== "not_configured") throw error;
      Charts.empty(chart("breaches"), "Conformance checks not configured on this server.");
    }
  }

  async function serviceBreaches() {
    const cases = (await api("/views/operations/service-cases", { breached_only: "true", as_at: asAt() })).rows;
    const hours = (c) => {
      const end = c.responded_at ? Date.parse(c.responded_at) : Date.now();
      return ((end - Date.parse(c.respond_by)) / 3600000).toFixed(1);
    };
    const late = new Map(cases.map((c) => [`${c.customer_name.slice(0, 16)} ${c.case_id.slice(0, 4)}`, hours(c)]));
    Charts.stacked(chart("service-breaches"), [...late.keys()], ["hours late"], (l) => late.get(l), "h",
      "No after-sales answer past its time limit.");
  }

  async function trail() {
    const id = $("case").value;
    const list = $("audit-list");
    list.replaceChildren();
    if (!id) return Charts.empty(chart("audit"), "No case selected.");
    const entries = (await api("/views/audit", { correlation_id: id })).entries;
    Charts.timeline(chart("audit"), entries);
    for (const e of entries) {
      const li = document.createElement("li");
      li.value = e.position;
      li.textContent = `${e.recorded_at.slice(0, 16).replace("T", " ")} · ${e.sop_step} ` +
        `${e.step_title} · ${e.actor_name} (${e.actor_role.replaceAll("_", " ")}) · ${e.description}`;
      list.appendChild(li);
    }
  }

  function signedOut(message) {
    $("who").textContent = "";
    $("sign-out").hidden = true;
    $("token-form").hidden = false;
    $("status").textContent = message;
    $("status").className = "muted";
  }

  async function refresh() {
    $("status").textContent = "Loading…";
    $("status").className = "muted";
    try {
      const me = await api("/me");
      $("who").textContent = `${me.name} (${me.role.replaceAll("_", " ")})`;
      $("token-form").hidden = true;
      $("sign-out").hidden = false;
      const drawn = await Promise.allSettled([
        panel(["funnel", "stage-owner"], pipeline), panel(["revenue"], revenue),
        panel(["attainment"], attainment), breaches(),
        panel(["service-breaches"], serviceBreaches),
      ]);
      await stoppedViews();  // after the reads, which find the stops
      const failed = drawn.find((result) => result.status === "rejected");
      if (failed) throw failed.reason;
      $("status").textContent = `Updated ${new Date().toLocaleTimeString()}`;
      document.body.dataset.ready = "true";
    } catch (error) {
      if (error.status === 401) { signedOut("Sign in with your API token to see the figures."); return; }
      $("status").textContent = error.message;
      $("status").className = "error";
    }
  }

  $("token-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch("/session", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: $("token").value.trim() }),
    });
    $("token").value = "";
    const body = await response.json();
    if (!response.ok) { $("status").textContent = body.message; $("status").className = "error"; return; }
    csrf = body.csrf_token;
    refresh();
  });
  $("sign-out").addEventListener("click", async () => {
    if (!csrf) csrf = (await fetch("/session", { credentials: "same-origin" })
      .then((r) => r.json())).csrf_token || "";
    await fetch("/session", { method: "DELETE", credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf } });
    csrf = "";
    signedOut("Signed out.");
  });
  $("refresh").addEventListener("click", refresh);
  $("more-cases").addEventListener("click",
    () => moreCases().catch((e) => { $("status").textContent = e.message; }));
  $("case").addEventListener("change",
    () => panel(["audit"], trail).catch((e) => { $("status").textContent = e.message; }));
  $("attainment-period").addEventListener("change", () => panel(["attainment"], attainment));
  $("attainment-grain").addEventListener("change", () => panel(["attainment"], attainment));
  $("grain").addEventListener("change", () => panel(["revenue"], revenue));
  refresh();
})();
