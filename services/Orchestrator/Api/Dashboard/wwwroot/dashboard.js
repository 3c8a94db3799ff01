"use strict";
// The pipeline's dashboard: plain DOM and SVG, no framework. Every value from the server goes in as text, never as HTML.

const svgNs = "http://www.w3.org/2000/svg";
const $ = id => document.getElementById(id);
const percent = value => value == null ? "" : `${(value * 100).toFixed(1)} %`;
const sections = ["sign-in", "runs", "run"];
let session = { role: null, traceViewerUrl: null };
let events = null;
let refresh = null;

function show(name) {
  for (const section of sections) $(section).hidden = section !== name;
  $("sign-out").hidden = !session.role;
  $("who").textContent = session.role ? `signed in (${session.role})` : "";
}

function problem(message) {
  $("problem").hidden = !message;
  $("problem").textContent = message || "";
}

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (response.status === 401) {
    session.role = null;
    show("sign-in");
    throw new Error("Signed out: sign in again.");
  }
  if (!response.ok) throw new Error(`${path} answered ${response.status}`);
  return response.json();
}

function element(name, text, attributes = {}) {
  const node = document.createElement(name);
  if (text != null) node.textContent = text;
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

function svg(name, attributes = {}, text = null) {
  const node = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  if (text != null) node.textContent = text;
  return node;
}

function link(text, href) {
  return element("a", text, { href });
}

function stateBadge(node, state) {
  node.textContent = state;
  node.className = `state ${state}`;
}

// ---- runs list ----

async function showRuns() {
  show("runs");
  const page = await api("/runs?limit=100");
  const body = $("runs-body");
  body.replaceChildren(...page.runs.map(run => {
    const row = element("tr", null, { "data-run-id": run.runId });
    const id = element("td");
    id.append(link(run.runId.slice(0, 8), `#/runs/${run.runId}`));
    const state = element("td");
    state.append(element("span"));
    stateBadge(state.firstChild, run.state);
    row.append(id, element("td", run.spec.dataset), state, element("td", String(run.trials.length)),
      element("td", percent(run.testAccuracy)), element("td", new Date(run.createdAt).toLocaleString()));
    return row;
  }));
  if (page.runs.length === 0) {
    const row = element("tr");
    row.append(element("td", "No runs yet.", { colspan: "6" }));
    body.append(row);
  }
}

// ---- one run ----

function newRunPage(runId) {
  return { runId, run: null, epochs: new Map(), journal: [], completedAt: null, confusionOf: null };
}

async function showRun(runId) {
  show("run");
  const page = newRunPage(runId);
  $("run-id").textContent = runId;
  $("confusion").replaceChildren(element("p", "Shown once a trial has been evaluated.", { class: "hint" }));
  $("confusion-trial").textContent = "";
  renderRun(page, await api(`/runs/${runId}`));
  drawCurves(page);
  // The stream replays the run's journal from its start, then follows it; the browser reconnects with Last-Event-ID by itself.
  events = new EventSource(`/runs/${runId}/events`);
  events.addEventListener("state", message => renderRun(page, JSON.parse(message.data)));
  events.addEventListener("progress", message => { page.journal.push(JSON.parse(message.data)); drawTimeline(page); });
  events.addEventListener("epoch", message => {
    const entry = JSON.parse(message.data);
    page.journal.push(entry);
    const trial = page.epochs.get(entry.data.trialId) || new Map();
    // A redelivered epoch replaces the one it repeats.
    trial.set(entry.data.epoch, entry.data);
    page.epochs.set(entry.data.trialId, trial);
    drawCurves(page);
  });
  events.addEventListener("trial", message => { page.journal.push(JSON.parse(message.data)); drawTimeline(page); });
  events.addEventListener("completed", message => {
    events.close();
    page.completedAt = new Date();
    renderRun(page, JSON.parse(message.data));
  });
}

function renderRun(page, run) {
  page.run = run;
  stateBadge($("run-state"), run.state);
  $("run-error").hidden = !run.error;
  $("run-error").textContent = run.error || "";
  const links = [];
  if (run.summaryPath) links.push(link("run report", artifact(run, run.summaryPath.replace(/summary\.json$/, "report.html"))));
  if (run.traceId && session.traceViewerUrl) links.push(link("trace", session.traceViewerUrl.replace("{traceId}", run.traceId)));
  links.push(link("all runs", "#/"));
  $("run-links").replaceChildren(...links);
  $("trials-body").replaceChildren(...run.trials.map(trial => {
    const row = element("tr", null, { "data-trial-id": trial.trialId });
    const report = element("td");
    if (trial.reportPath) report.append(link("report", artifact(run, trial.reportPath)));
    const state = element("td");
    state.append(element("span"));
    stateBadge(state.firstChild, trial.state);
    row.append(element("td", trial.trialId + (trial.trialId === run.bestTrialId ? " (best)" : "")), state,
      element("td", trial.epoch == null ? "" : String(trial.epoch)), element("td", percent(trial.validationAccuracy)),
      element("td", percent(trial.testAccuracy)), report);
    return row;
  }));
  drawTimeline(page);
  const evaluated = run.trials.find(trial => trial.trialId === run.bestTrialId) || run.trials.find(trial => trial.reportPath);
  if (evaluated && page.confusionOf !== evaluated.trialId) {
    page.confusionOf = evaluated.trialId;
    drawConfusion(run, evaluated).catch(error => problem(error.message));
  }
}

function artifact(run, path) {
  return `/runs/${run.runId}/artifacts/${path.split("/").map(encodeURIComponent).join("/")}`;
}

// ---- stage timeline, from the journal's times ----

function drawTimeline(page) {
  const run = page.run;
  if (!run) return;
  // When each trial first did it (a redelivered event repeats an earlier one), in time order.
  const times = type => {
    const first = new Map();
    for (const entry of page.journal.filter(entry => entry.type === type))
      if (!first.has(entry.data.trialId)) first.set(entry.data.trialId, new Date(entry.at));
    return [...first.values()].sort((a, b) => a - b);
  };
  const prepared = times("DatasetPrepared")[0];
  const trained = times("ModelTrained");
  const evaluated = times("ModelEvaluated");
  const final = ["Completed", "Failed", "Cancelled"].includes(run.state);
  const end = final ? new Date(run.updatedAt) : new Date();
  const start = new Date(run.createdAt);
  const stages = [
    { name: "preprocess", from: start, to: prepared, live: run.state === "Preprocessing" },
    { name: "train", from: prepared, to: trained.length === run.trials.length ? trained.at(-1) : null, live: run.state === "Training" },
    { name: "evaluate", from: trained[0], to: evaluated.length === run.trials.length ? evaluated.at(-1) : null, live: run.state === "Evaluating" },
  ];
  const span = Math.max(end - start, 1);
  const x = time => 90 + 530 * Math.min(Math.max((time - start) / span, 0), 1);
  const chart = $("timeline");
  chart.replaceChildren();
  stages.forEach((stage, index) => {
    const y = 8 + index * 28;
    chart.append(svg("text", { x: 4, y: y + 14 }, stage.name));
    if (!stage.from) return;
    const to = stage.to || end;
    chart.append(svg("rect", { class: `stage${stage.to ? "" : " live"}`, "data-stage": stage.name, x: x(stage.from), y, height: 20,
      width: Math.max(x(to) - x(stage.from), 2) }));
    chart.append(svg("text", { x: x(to) + 4 > 600 ? 600 : x(to) + 4, y: y + 14 }, `${((to - stage.from) / 1000).toFixed(1)} s`));
  });
}

// ---- loss and accuracy curves, from the epoch events ----

function drawCurves(page) {
  const trials = [...page.epochs.entries()].map(([trialId, epochs]) => [trialId, [...epochs.values()].sort((a, b) => a.epoch - b.epoch)]);
  const series = (train, validation) => trials.flatMap(([trialId, epochs]) => [
    { label: `${trialId} train`, kind: "train", points: epochs.map(e => [e.epoch, e[train]]) },
    { label: `${trialId} validation`, kind: "validation", points: epochs.map(e => [e.epoch, e[validation]]) },
  ]);
  drawChart($("loss-chart"), series("trainLoss", "validationLoss"), value => value.toFixed(2));
  drawChart($("accuracy-chart"), series("trainAccuracy", "validationAccuracy"), value => percent(value));
}

function drawChart(chart, series, format) {
  const left = 48, right = 390, top = 10, bottom = 210;
  const points = series.flatMap(line => line.points);
  chart.replaceChildren(
    svg("line", { class: "axis", x1: left, y1: bottom, x2: right, y2: bottom }),
    svg("line", { class: "axis", x1: left, y1: top, x2: left, y2: bottom }));
  if (points.length === 0) {
    chart.append(svg("text", { x: left + 10, y: 110 }, "no epoch yet"));
    return;
  }
  const epochs = points.map(p => p[0]), values = points.map(p => p[1]).filter(Number.isFinite);
  const lastEpoch = Math.max(...epochs, 2);
  let low = Math.min(...values), high = Math.max(...values);
  if (high - low < 1e-9) { low -= 0.5; high += 0.5; }
  const x = epoch => left + (right - left) * (epoch - 1) / (lastEpoch - 1);
  const y = value => bottom - (bottom - top) * (value - low) / (high - low);
  for (const value of [low, (low + high) / 2, high]) chart.append(svg("text", { x: 2, y: y(value) + 3 }, format(value)));
  const step = Math.max(1, Math.ceil(lastEpoch / 10));
  for (let epoch = 1; epoch <= lastEpoch; epoch += step) chart.append(svg("text", { x: x(epoch) - 3, y: bottom + 14 }, String(epoch)));
  chart.append(svg("text", { x: (left + right) / 2 - 15, y: bottom + 28 }, "epoch"));
  for (const line of series) {
    const drawn = line.points.filter(p => Number.isFinite(p[1]));
    chart.append(svg("polyline", { class: `series ${line.kind} ${line.kind}-line`, points: drawn.map(p => `${x(p[0])},${y(p[1])}`).join(" ") }));
    for (const [epoch, value] of drawn) {
      const dot = svg("circle", { class: `point ${line.kind}`, cx: x(epoch), cy: y(value), r: 3 });
      dot.append(svg("title", {}, `${line.label}, epoch ${epoch}: ${format(value)}`));
      chart.append(dot);
    }
  }
  const legend = [...new Set(series.map(line => line.kind))];
  // Below the axis, where no curve runs.
  legend.forEach((kind, index) => chart.append(svg("text", { class: kind, x: right - 110 + index * 40, y: bottom + 28 }, kind)));
}

// ---- confusion matrix, from the evaluated trial's metrics.json ----

async function drawConfusion(run, trial) {
  const metrics = await api(artifact(run, trial.reportPath.replace(/report\.html$/, "metrics.json")));
  const table = element("table", null, { class: "confusion" });
  const head = element("tr");
  head.append(element("th", "true \\ predicted"), ...metrics.classes.map(name => element("th", name)));
  table.append(head);
  metrics.confusionMatrix.forEach((row, label) => {
    const total = row.reduce((sum, count) => sum + count, 0) || 1;
    const tr = element("tr");
    tr.append(element("th", metrics.classes[label]));
    row.forEach((count, predicted) => {
      const share = count / total;
      const cell = element("td", String(count), { title: percent(share) });
      cell.style.background = `rgba(${predicted === label ? "46,125,50" : "198,40,40"}, ${share.toFixed(3)})`;
      tr.append(cell);
    });
    table.append(tr);
  });
  $("confusion-trial").textContent = `(trial ${trial.trialId})`;
  $("confusion").replaceChildren(table);
}

// ---- sign-in and routing ----

async function signIn(event) {
  event.preventDefault();
  const response = await fetch("/dashboard/sign-in", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ key: $("key").value }),
  });
  $("key").value = "";
  if (!response.ok) {
    problem("That key is not valid on this server.");
    return;
  }
  problem(null);
  await route();
}

async function signOut() {
  await fetch("/dashboard/sign-out", { method: "POST" });
  await route();
}

async function route() {
  if (events) { events.close(); events = null; }
  if (refresh) { clearInterval(refresh); refresh = null; }
  session = await (await fetch("/dashboard/session")).json();
  if (!session.role) {
    show("sign-in");
    return;
  }
  const match = location.hash.match(/^#\/runs\/([0-9a-fA-F-]{32,36})$/);
  if (match) {
    await showRun(match[1]);
    return;
  }
  await showRuns();
  refresh = setInterval(() => showRuns().catch(error => problem(error.message)), 5000);
}

const navigate = () => route().catch(error => problem(error.message));
$("sign-in-form").addEventListener("submit", event => signIn(event).catch(error => problem(error.message)));
$("sign-out").addEventListener("click", () => signOut().catch(error => problem(error.message)));
window.addEventListener("hashchange", navigate);
navigate();
