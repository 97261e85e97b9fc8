// reemud web app: figures, provenance, inline validation and job progress. No inline script
// runs on these pages (the content security policy forbids it): everything starts here.
"use strict";

function jsonData(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// ---- figures (plotly.js, served by this server)
function drawFigures() {
  const figures = jsonData("figures");
  if (!figures || typeof Plotly === "undefined") return;
  document.querySelectorAll("[data-figure-index]").forEach((div) => {
    const f = figures[Number(div.dataset.figureIndex)].figure;
    Plotly.newPlot(div, f.data, f.layout, {displaylogo: false, responsive: true});
  });
}

// ---- provenance: hover shows the title; click (or Enter) opens the panel
function provenanceRows(kind, p) {
  if (kind === "kpis") {
    const rows = [["meaning", p.description], ["unit", p.unit || "–"], ["stage", p.stage]];
    if (p.model) rows.push(["model", p.model + (p.model_summary ? ": " + p.model_summary : "")]);
    rows.push(["derived in", p.docs]);
    if (p.undefined) rows.push(["undefined", p.undefined]);
    rows.push(["assumed inputs", p.assumed_inputs && p.assumed_inputs.length
      ? p.assumed_inputs.join(", ") : "none of its stage's inputs is assumed"]);
    return rows;
  }
  const rows = [["status", p.status], ["from", p.origin], ["why", p.text || "–"],
    ["unit", p.unit || "–"], ["allowed", p.bounds || "any"], ["meaning", p.description]];
  if (p.default) {
    rows.push(["default", p.default.value + " " + (p.default.unit || "")]);
    rows.push(["default's source", p.default.assumed ? "assumed: " + p.default.assumed
      : (p.default.source || "–")]);
  }
  return rows;
}

function openProvenance(kind, key) {
  const data = jsonData("provenance");
  if (!data || !data[kind] || !data[kind][key]) return;
  const panel = document.getElementById("prov-panel");
  document.getElementById("prov-title").textContent = key;
  const body = document.getElementById("prov-body");
  body.replaceChildren();
  for (const [label, value] of provenanceRows(kind, data[kind][key])) {
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    body.append(dt, dd);
  }
  panel.hidden = false;
  panel.dataset.key = key;
}

function wireProvenance() {
  document.querySelectorAll(".prov").forEach((el) => {
    el.addEventListener("click", () => openProvenance(el.dataset.provKind, el.dataset.provKey));
  });
  const close = document.getElementById("prov-close");
  if (close) close.addEventListener("click", () => { document.getElementById("prov-panel").hidden = true; });
}

// ---- the editor: every change is validated by the server, as `reemud validate` would
function editedFields(form) {
  const edits = {};
  form.querySelectorAll('input[name^="f:"]').forEach((input) => {
    if (input.value !== input.dataset.original) edits[input.name.slice(2)] = input.value;
  });
  return edits;
}

function showProblems(form, problems) {
  form.querySelectorAll("tr.field").forEach((row) => row.classList.remove("invalid"));
  form.querySelectorAll("tr.field-problem").forEach((row) => { row.hidden = true; row.cells[1].textContent = ""; });
  const general = [];
  for (const p of problems) {
    const row = form.querySelector(`tr.field-problem[data-problem-for="${CSS.escape(p.path)}"]`);
    if (row) {
      row.hidden = false;
      row.cells[1].textContent = (row.cells[1].textContent + " " + p.line).trim();
      const field = form.querySelector(`tr.field[data-path="${CSS.escape(p.path)}"]`);
      if (field) field.classList.add("invalid");
    } else {
      general.push(p.line);
    }
  }
  const validity = document.getElementById("validity");
  validity.textContent = problems.length ? `${problems.length} problem(s)` + (general.length ? ": " + general.join(" · ") : "") : "valid";
  validity.className = problems.length ? "problem-inline" : "meta ok";
}

let validateTimer = null;
function validateSoon(form) {
  clearTimeout(validateTimer);
  validateTimer = setTimeout(async () => {
    const response = await fetch("/api/validate", {
      method: "POST",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrfToken()},
      body: JSON.stringify({scenario: form.dataset.scenario, edits: editedFields(form)}),
    });
    const body = await response.json();
    showProblems(form, response.ok ? [] : (body.problems || [{path: "", line: body.detail}]));
  }, 250);
}

function wireEditor() {
  const form = document.getElementById("editor");
  if (!form) return;
  form.querySelectorAll('input[name^="f:"]').forEach((input) => {
    input.addEventListener("input", () => validateSoon(form));
  });
}

// ---- a job's progress, by server-sent events
function wireJob() {
  const box = document.getElementById("job");
  if (!box || ["done", "failed"].includes(box.dataset.status)) return;
  const source = new EventSource(`/api/jobs/${box.dataset.job}/events`);
  const show = (event) => {
    const job = JSON.parse(event.data);
    document.getElementById("job-progress").value = job.progress;
    document.getElementById("job-percent").textContent = Math.round(job.progress * 100) + " %";
    const status = document.getElementById("job-status");
    status.textContent = job.status;
    status.className = "status-" + job.status;
    document.getElementById("job-message").textContent = job.message;
    box.dataset.status = job.status;
    if (job.error) {
      const error = document.getElementById("job-error");
      error.textContent = job.error;
      error.hidden = false;
    }
    if (job.status === "done") {
      const target = job.run_id ? `/runs/${job.run_id}` : `/sweeps/${job.sweep_id}`;
      const link = document.createElement("a");
      link.id = "result-link";
      link.href = target;
      link.textContent = job.run_id ? `See run ${job.run_id}` : `See sweep ${job.sweep_id}`;
      document.getElementById("job-result").replaceChildren(link);
    }
  };
  source.addEventListener("progress", show);
  source.addEventListener("end", (event) => { show(event); source.close(); });
}

document.addEventListener("DOMContentLoaded", () => {
  drawFigures();
  wireProvenance();
  wireEditor();
  wireJob();
});
