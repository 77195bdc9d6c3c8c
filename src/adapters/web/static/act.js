// The SOP forms (ADR 64): "add a line" to a list of lines, and the browser's time zone
// for date-and-time fields. Without this script the blank rows still work, and times
// are read in UTC, as the page says.
"use strict";

function renumber(row, list, from, to) {
  const old = `${list}.${from}.`;
  const now = `${list}.${to}.`;
  const oldId = `f-${old.replaceAll(".", "-")}`;
  const nowId = `f-${now.replaceAll(".", "-")}`;
  row.dataset.row = String(to);
  for (const element of row.querySelectorAll("[name], [id], [for], [aria-describedby]")) {
    for (const attribute of ["name", "id", "for", "aria-describedby"]) {
      const value = element.getAttribute(attribute);
      if (value) {
        element.setAttribute(attribute, value.replaceAll(old, now).replaceAll(oldId, nowId));
      }
    }
  }
  const legend = row.querySelector("legend");
  if (legend) legend.textContent = legend.textContent.replace(/row \d+$/, `row ${to + 1}`);
}

function addRow(rows) {
  const all = rows.querySelectorAll(":scope > fieldset.row");
  const last = all[all.length - 1];
  if (!last || all.length >= Number(rows.dataset.most)) return;
  const copy = last.cloneNode(true);
  renumber(copy, rows.dataset.rows, Number(last.dataset.row), all.length);
  for (const input of copy.querySelectorAll("input, textarea, select")) {
    if (input.type === "checkbox") input.checked = false;
    else if (input.tagName === "SELECT") {
      const chosen = input.querySelector("option[selected]");
      input.value = chosen ? chosen.value : "";
    } else input.value = "";
    input.removeAttribute("aria-invalid");
  }
  for (const error of copy.querySelectorAll(".field-error")) error.remove();
  last.after(copy);
  const first = copy.querySelector("input, select, textarea");
  if (first) first.focus();
}

for (const rows of document.querySelectorAll("fieldset[data-rows]")) {
  const button = rows.querySelector(":scope > [data-add-row]");
  if (!button) continue;
  button.hidden = false;
  button.addEventListener("click", () => addRow(rows));
}

const offset = document.querySelector("[data-offset]");
if (offset) {
  const minutes = -new Date().getTimezoneOffset();
  offset.value = String(minutes);
  const sign = minutes < 0 ? "-" : "+";
  const hours = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, "0");
  const rest = String(Math.abs(minutes) % 60).padStart(2, "0");
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  for (const note of document.querySelectorAll("[data-zone]")) {
    note.textContent = `In your browser's time zone${zone ? ` (${zone})` : ""}, UTC${sign}${hours}:${rest}.`;
  }
}
