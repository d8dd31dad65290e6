// Grid dashboard: one EventSource for live updates, plain DOM and SVG, no framework and no build step.
"use strict";

(() => {
  const SVG = "http://www.w3.org/2000/svg";
  const CHART_SECONDS = 300;
  // One colour per silo's line in the throughput chart, in the order of the silos' names.
  const SILO_COLOURS = ["#3ddc97", "#ffb547", "#c792ea", "#ff8fab", "#7fdbca", "#f78c6c"];
  const $ = (id) => document.getElementById(id);

  // The token, when the address carried one: kept in memory, removed from the address bar and history.
  const params = new URLSearchParams(location.search);
  const token = params.get("access_token");
  if (token !== null) {
    params.delete("access_token");
    const rest = params.toString();
    history.replaceState(null, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }

  const state = {
    jobs: new Map(),        // jobId -> latest job view
    rows: new Map(),        // jobId -> table row
    throughput: new Map(),  // unix ms -> { items, failed }, the cluster's
    siloThroughput: new Map(), // silo name -> (unix ms -> { items, failed }), what each silo's workers ran
    silos: [],
    selected: null,         // jobId whose trace is open
    trace: null,            // latest trace view of the selected job
    traceLoading: false,
    traceLoadedAt: 0,
    errorsKey: "",
    storedKey: "",
    lastUpdate: 0,
  };

  // ---------- formatting ----------
  const intFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  const oneDecimal = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const fmtInt = (n) => intFormat.format(Math.round(n));
  const fmtRate = (n) => (n >= 100 ? fmtInt(n) : n >= 10 ? oneDecimal.format(n) : n > 0 ? n.toFixed(2) : "0");
  function fmtMs(ms) {
    if (!isFinite(ms)) return "–";
    if (ms === 0) return "0";
    if (ms < 1) return (ms * 1000).toFixed(0) + " µs";
    if (ms < 100) return oneDecimal.format(ms) + " ms";
    if (ms < 1000) return fmtInt(ms) + " ms";
    const s = ms / 1000;
    if (s < 60) return s.toFixed(2) + " s";
    const m = Math.floor(s / 60);
    if (m < 60) return m + "m " + String(Math.floor(s % 60)).padStart(2, "0") + "s";
    return Math.floor(m / 60) + "h " + String(m % 60).padStart(2, "0") + "m";
  }
  const fmtUptime = (seconds) => fmtMs(seconds * 1000).replace(/\.\d+ s$/, " s");
  function fmtBytes(bytes) {
    const units = ["B", "KB", "MB", "GB", "TB"];
    let i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
    return (i === 0 ? fmtInt(bytes) : oneDecimal.format(bytes)) + " " + units[i];
  }
  const fmtPct = (fraction) => oneDecimal.format(fraction * 100) + "%";
  const fmtClock = (date) => date.toLocaleTimeString("en-GB", { hour12: false });
  const shortId = (id) => id.slice(0, 8);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function svg(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function setText(node, text) {
    if (node.textContent !== text) node.textContent = text;
  }

  // ---------- requests ----------
  async function getJson(path) {
    const headers = token !== null ? { Authorization: "Bearer " + token } : {};
    const response = await fetch(path, { headers, cache: "no-store" });
    if (response.status === 404) return null;
    if (!response.ok) {
      // The dashboard says why in one sentence: show that rather than the status alone.
      const problem = await response.json().catch(() => null);
      throw new Error(problem && problem.error ? problem.error : path + ": HTTP " + response.status);
    }
    return response.json();
  }

  // ---------- connection ----------
  let source = null;
  let retryTimer = 0;
  function connect() {
    clearTimeout(retryTimer);
    const url = "api/events" + (token !== null ? "?access_token=" + encodeURIComponent(token) : "");
    source = new EventSource(url);
    source.addEventListener("update", (event) => {
      setConnection("live");
      applyUpdate(JSON.parse(event.data));
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CLOSED) {
        // The server refused the stream (a bad token, or it stopped): try again a little later.
        setConnection("offline");
        retryTimer = setTimeout(connect, 3000);
      } else {
        setConnection("reconnecting");
      }
    });
  }
  function setConnection(value) {
    const node = $("connection");
    if (node.dataset.state === value) return;
    node.dataset.state = value;
    node.querySelector(".connection-text").textContent = value;
  }

  // ---------- updates ----------
  function applyUpdate(update) {
    state.lastUpdate = Date.parse(update.at);
    state.silos = update.silos;
    for (const point of update.throughput) state.throughput.set(point.time, point);
    const oldest = state.lastUpdate - (CHART_SECONDS + 5) * 1000;
    for (const time of state.throughput.keys()) if (time < oldest) state.throughput.delete(time);
    const live = new Set(update.siloThroughput.map((s) => s.silo));
    for (const silo of state.siloThroughput.keys()) if (!live.has(silo)) state.siloThroughput.delete(silo);
    for (const { silo, points } of update.siloThroughput) {
      let series = state.siloThroughput.get(silo);
      if (!series) state.siloThroughput.set(silo, (series = new Map()));
      for (const point of points) series.set(point.time, point);
      for (const time of series.keys()) if (time < oldest) series.delete(time);
    }

    renderHeader(update);
    renderSilos(update.silos);
    renderJobs(update.jobs);
    renderChart();
    renderKpis(update);
    const errorsKey = update.errorCount + "|" + (update.lastErrorAt || "");
    if (errorsKey !== state.errorsKey) {
      state.errorsKey = errorsKey;
      loadErrors();
    }
    refreshTraceIfLive();
  }

  function renderHeader(update) {
    const names = $("silo-names");
    const key = update.silos.map((s) => s.name).join("|");
    if (names.dataset.key !== key) {
      names.dataset.key = key;
      names.replaceChildren(...update.silos.map((s) => el("span", "chip", s.name)));
      document.title = "Grid · " + (update.silos.length === 1 ? update.silos[0].name : update.silos.length + " silos");
    }
    setText($("updated"), "updated " + fmtClock(new Date(state.lastUpdate)));
  }

  function renderKpis(update) {
    const points = sortedThroughput();
    const complete = points.length > 1 ? points[points.length - 2] : null;
    setText($("kpi-rate"), fmtInt(complete ? complete.items : 0));
    const totalItems = points.reduce((sum, p) => sum + p.items, 0);
    const totalNotOk = points.reduce((sum, p) => sum + p.failed, 0);
    setText($("kpi-items"), fmtInt(totalItems));
    setText($("kpi-items-note"), totalNotOk > 0 ? fmtInt(totalNotOk) + " not ok" : "all ok");
    const running = update.jobs.filter((j) => j.outcome === null);
    setText($("kpi-running"), fmtInt(running.length));
    setText($("kpi-running-note"), fmtInt(update.jobs.length - running.length) + " finished kept");
    const busy = update.silos.reduce((sum, s) => sum + s.busyWorkers, 0);
    const max = update.silos.reduce((sum, s) => sum + s.maxWorkers, 0);
    setText($("kpi-busy"), fmtInt(busy) + " / " + fmtInt(max));
    setText($("kpi-busy-note"), max > 0 ? fmtPct(busy / max) + " of capacity" : " ");
    setText($("kpi-errors"), fmtInt(update.errorCount));
    setText($("kpi-errors-note"), update.lastErrorAt ? "latest " + fmtClock(new Date(update.lastErrorAt)) : "none kept");
    $("kpi-errors").classList.toggle("bad", update.errorCount > 0);
  }

  // ---------- silos ----------
  function renderSilos(silos) {
    const container = $("silos");
    setText($("silo-count"), silos.length === 1 ? "1 silo" : silos.length + " silos");
    while (container.children.length > silos.length) container.lastElementChild.remove();
    silos.forEach((silo, i) => {
      let card = container.children[i];
      if (!card) card = container.appendChild(buildSiloCard());
      updateSiloCard(card, silo);
    });
  }
  function buildSiloCard() {
    const card = el("div", "silo");
    card.dataset.testid = "silo-card";
    const head = el("div", "silo-head");
    head.append(el("span", "silo-name"), el("span", "silo-uptime"));
    const label = el("div", "workers-label");
    label.append(el("span", null, "Workers busy"), el("b", "workers-count"));
    const metrics = el("div", "silo-metrics");
    for (const name of ["Live workers", "Queued calls", "Activations", "Memory", "CPU time", "Cores"]) {
      const metric = el("div", "metric");
      metric.append(el("span", "metric-label", name), el("span", "metric-value"));
      metrics.append(metric);
    }
    const cpuLabel = el("div", "workers-label cpu");
    cpuLabel.append(el("span", null, "CPU (all cores)"), el("b", "cpu-value"));
    const cpuBar = el("div", "bar cpu-bar");
    cpuBar.append(el("span"));
    card.append(head, label, el("div", "slots"), metrics, cpuLabel, cpuBar);
    return card;
  }
  function updateSiloCard(card, silo) {
    setText(card.querySelector(".silo-name"), silo.name);
    card.querySelector(".silo-name").title = silo.name;
    setText(card.querySelector(".silo-uptime"), "up " + fmtUptime(silo.uptimeSeconds));
    setText(card.querySelector(".workers-count"), fmtInt(silo.busyWorkers) + " / " + fmtInt(silo.maxWorkers));
    const slots = card.querySelector(".slots");
    // One segment per worker up to 48; beyond that a single bar reads better.
    if (silo.maxWorkers <= 48) {
      if (slots.children.length !== silo.maxWorkers) {
        slots.replaceChildren(...Array.from({ length: silo.maxWorkers }, () => el("span", "slot")));
      }
      Array.from(slots.children).forEach((slot, i) => {
        slot.classList.toggle("busy", i < silo.busyWorkers);
        slot.classList.toggle("live", i >= silo.busyWorkers && i < silo.liveWorkers);
      });
    } else {
      if (!slots.firstElementChild || !slots.firstElementChild.classList.contains("bar")) {
        const bar = el("div", "bar");
        bar.style.flex = "1";
        bar.style.height = "14px";
        bar.append(el("span"));
        slots.replaceChildren(bar);
      }
      slots.querySelector(".bar > span").style.width = (100 * silo.busyWorkers / Math.max(1, silo.maxWorkers)) + "%";
    }
    const values = card.querySelectorAll(".metric-value");
    setText(values[0], fmtInt(silo.liveWorkers));
    setText(values[1], fmtInt(silo.queuedCalls));
    setText(values[2], fmtInt(silo.activations));
    setText(values[3], fmtBytes(silo.workingSetBytes));
    setText(values[4], fmtMs(silo.cpuSeconds * 1000));
    setText(values[5], fmtInt(silo.cores));
    setText(card.querySelector(".cpu-value"), oneDecimal.format(silo.cpuPercent) + "%");
    card.querySelector(".cpu-bar > span").style.width = Math.min(100, silo.cpuPercent) + "%";
  }

  // ---------- jobs ----------
  function progressOf(job) {
    const total = job.total !== null ? job.total : job.read;
    if (total === 0) return job.outcome !== null ? 1 : 0;
    return Math.min(1, job.completed / total);
  }
  function percentText(job) {
    // 100% only once every item has a result: a floor, so 99.7% never reads as done.
    if (job.total !== null && job.completed >= job.total) return "100%";
    return Math.floor(progressOf(job) * 100) + "%";
  }
  function outcomeText(outcome) {
    switch (outcome) {
      case null: return "Running";
      case "TimedOut": return "Timed out";
      default: return outcome;
    }
  }
  function buildJobRow(jobId) {
    const row = el("tr");
    row.dataset.testid = "job-row";
    row.dataset.jobId = jobId;
    const kernel = el("td", "col-kernel");
    kernel.append(el("span", "kernel"), el("span", "job-id", shortId(jobId)));
    const progress = el("td");
    const wrap = el("div", "progress");
    const bar = el("div", "bar");
    bar.append(el("span"));
    const pct = el("span", "pct");
    pct.dataset.testid = "job-progress";
    wrap.append(bar, pct);
    progress.append(wrap);
    const cells = [kernel, progress];
    for (const testid of ["job-rate", "job-ok", "job-failed", "job-timed-out", "job-cancelled", "job-elapsed"]) {
      const cell = el("td", "num");
      cell.dataset.testid = testid;
      cells.push(cell);
    }
    const outcome = el("td");
    const badge = el("span", "badge");
    badge.dataset.testid = "job-outcome";
    outcome.append(badge);
    cells.push(outcome);
    const silo = el("td", "mono col-silo");
    silo.dataset.testid = "job-silo";
    cells.push(silo);
    row.append(...cells);
    row.addEventListener("click", () => openTrace(jobId));
    return row;
  }
  function countCell(cell, value) {
    setText(cell, fmtInt(value));
    cell.classList.toggle("zero", value === 0);
  }
  function renderJobs(jobs) {
    const body = $("jobs-body");
    const seen = new Set();
    jobs.forEach((job, i) => {
      seen.add(job.jobId);
      state.jobs.set(job.jobId, job);
      let row = state.rows.get(job.jobId);
      if (!row) {
        row = buildJobRow(job.jobId);
        state.rows.set(job.jobId, row);
      }
      if (body.children[i] !== row) body.insertBefore(row, body.children[i] || null);
      updateJobRow(row, job);
    });
    for (const [jobId, row] of state.rows) {
      if (!seen.has(jobId)) {
        row.remove();
        state.rows.delete(jobId);
        state.jobs.delete(jobId);
      }
    }
    $("jobs-empty").hidden = jobs.length > 0;
    const running = jobs.filter((j) => j.outcome === null).length;
    setText($("jobs-meta"), jobs.length === 0 ? "" : fmtInt(running) + " running · " + fmtInt(jobs.length - running) + " finished");
  }
  function updateJobRow(row, job) {
    const cells = row.children;
    setText(cells[0].querySelector(".kernel"), job.kernel);
    cells[0].title = job.jobId;
    const bar = cells[1].querySelector(".bar");
    const fraction = progressOf(job);
    bar.firstElementChild.style.width = (fraction * 100).toFixed(2) + "%";
    const finished = job.outcome !== null;
    bar.classList.toggle("streaming", !finished && job.total === null);
    bar.classList.toggle("done", finished);
    bar.classList.toggle("partial", finished && (job.outcome !== "Completed" || job.completed !== job.succeeded));
    const pct = cells[1].querySelector(".pct");
    setText(pct, percentText(job));
    pct.title = fmtInt(job.completed) + " of " + (job.total !== null ? fmtInt(job.total) : fmtInt(job.read) + " read so far");
    setText(cells[2], fmtRate(job.itemsPerSecond));
    countCell(cells[3], job.succeeded);
    countCell(cells[4], job.failed);
    cells[4].classList.toggle("bad", job.failed > 0);
    countCell(cells[5], job.timedOut);
    cells[5].classList.toggle("warn", job.timedOut > 0);
    countCell(cells[6], job.cancelled);
    setText(cells[7], fmtMs(job.elapsedMs));
    const badge = cells[8].firstElementChild;
    setText(badge, outcomeText(job.outcome));
    badge.className = "badge " + (job.outcome === null ? "running" : job.outcome.toLowerCase());
    setText(cells[9], job.silo);
    row.classList.toggle("selected", state.selected === job.jobId);
  }

  // ---------- stored jobs ----------
  // The store is read at most once a second however many pages ask; a silo without a store is asked again rarely.
  const STORED_POLL_MS = 2000;
  const NO_STORE_POLL_MS = 15000;
  let storedTimer = 0;
  async function loadStoredJobs() {
    clearTimeout(storedTimer);
    let next = STORED_POLL_MS;
    try {
      const view = await getJson("api/stored-jobs");
      if (view !== null) {
        renderStoredJobs(view);
        if (!view.hasStore) next = NO_STORE_POLL_MS;
      }
    } catch (error) {
      setText($("stored-meta"), String(error.message || error));
    } finally {
      storedTimer = setTimeout(loadStoredJobs, next);
    }
  }
  function storedStateText(value) {
    return value === "TimedOut" ? "Timed out" : value;
  }
  function renderStoredJobs(view) {
    // Drawn again when something changed, or while a job runs, so that its elapsed time moves on.
    const key = JSON.stringify(view);
    if (key === state.storedKey && !view.jobs.some((j) => j.state === "Running")) return;
    state.storedKey = key;
    $("stored").hidden = !view.hasStore;
    if (!view.hasStore) return;
    $("stored-body").replaceChildren(...view.jobs.map(buildStoredRow));
    $("stored-empty").hidden = view.jobs.length > 0;
    const running = view.jobs.filter((j) => j.state === "Running").length;
    const waiting = view.jobs.filter((j) => j.state === "Queued" || j.state === "Submitting").length;
    setText($("stored-meta"), view.jobs.length === 0 ? "" : fmtInt(running) + " running · " + fmtInt(waiting) + " waiting · newest " + fmtInt(view.jobs.length) + " shown");
  }
  function buildStoredRow(job) {
    const row = el("tr");
    row.dataset.testid = "stored-row";
    row.dataset.jobId = job.jobId;
    const kernel = el("td", "col-kernel");
    kernel.title = job.jobId;
    kernel.append(el("span", "kernel", job.kernel), el("span", "job-id", job.jobId));
    if (job.error) {
      const error = el("span", "stored-error", job.error);
      error.title = job.error;
      kernel.append(error);
    }
    const progress = el("td");
    const wrap = el("div", "progress");
    const bar = el("div", "bar");
    const fill = el("span");
    const finished = job.finished !== null;
    const fraction = job.total > 0 ? Math.min(1, job.completed / job.total) : finished ? 1 : 0;
    fill.style.width = (fraction * 100).toFixed(2) + "%";
    bar.append(fill);
    bar.classList.toggle("streaming", job.state === "Submitting");
    bar.classList.toggle("done", finished);
    bar.classList.toggle("partial", finished && (job.state !== "Completed" || job.completed !== job.succeeded));
    // 100% only once every item has a result: a floor, so 99.7% never reads as done.
    const pct = el("span", "pct", job.total > 0 && job.completed >= job.total ? "100%" : Math.floor(fraction * 100) + "%");
    pct.dataset.testid = "stored-progress";
    pct.title = fmtInt(job.completed) + " of " + fmtInt(job.total);
    wrap.append(bar, pct);
    progress.append(wrap);
    const cells = [kernel, progress];
    for (const [testid, value] of [["stored-ok", job.succeeded], ["stored-failed", job.failed], ["stored-timed-out", job.timedOut], ["stored-cancelled", job.cancelled]]) {
      const cell = el("td", "num");
      cell.dataset.testid = testid;
      countCell(cell, value);
      cells.push(cell);
    }
    cells[3].classList.toggle("bad", job.failed > 0);
    cells[4].classList.toggle("warn", job.timedOut > 0);
    cells.push(el("td", null, fmtClock(new Date(job.submitted))));
    const started = job.started !== null ? Date.parse(job.started) : null;
    const ended = finished ? Date.parse(job.finished) : Date.now();
    cells.push(el("td", "num", started !== null ? fmtMs(Math.max(0, ended - started)) : "–"));
    cells.push(el("td", "num", fmtInt(job.runs)));
    cells.push(el("td", "mono", job.owner || "–"));
    const stateCell = el("td");
    const badge = el("span", "badge " + job.state.toLowerCase(), storedStateText(job.state));
    badge.dataset.testid = "stored-state";
    stateCell.append(badge);
    cells.push(stateCell);
    cells.push(buildTraceCell(job));
    row.append(...cells);
    return row;
  }
  // A link to the trace of the job's latest run when a live silo of the cluster keeps it; else the silo that owns the job.
  function buildTraceCell(job) {
    const cell = el("td");
    if (job.runJobId === null) {
      const none = el("span", "elsewhere", "not run yet");
      none.dataset.testid = "stored-trace-none";
      cell.append(none);
    } else if (job.runTraceHere) {
      const link = el("button", "trace-link", "trace");
      link.type = "button";
      link.dataset.testid = "stored-trace-link";
      link.title = "Open the trace of run " + job.runJobId;
      link.addEventListener("click", () => openTrace(job.runJobId));
      cell.append(link);
    } else {
      const owner = job.owner || "another silo";
      const elsewhere = el("span", "elsewhere", "owned by " + owner);
      elsewhere.dataset.testid = "stored-trace-elsewhere";
      elsewhere.title = "No live silo of this cluster keeps run " + job.runJobId + ": it ran on another cluster sharing the store, "
        + "or its silo has stopped or forgotten it. " + owner + " owns the job.";
      cell.append(elsewhere);
    }
    return cell;
  }

  // ---------- throughput chart ----------
  function sortedThroughput() {
    return Array.from(state.throughput.values()).sort((a, b) => a.time - b.time);
  }
  // The smallest of 1, 2, 5 times a power of ten that is at least value.
  function niceStep(value) {
    if (value <= 0) return 1;
    const power = Math.pow(10, Math.floor(Math.log10(value)));
    for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
    return 10 * power;
  }
  function renderChart() {
    const host = $("chart");
    const width = Math.max(320, host.clientWidth);
    const height = Math.max(220, host.clientHeight);
    const pad = { left: 56, right: 14, top: 10, bottom: 24 };
    const innerW = width - pad.left - pad.right;
    const innerH = height - pad.top - pad.bottom;
    // The current second is still filling up: draw up to the last complete one.
    const end = (state.lastUpdate ? Math.floor(state.lastUpdate / 1000) * 1000 : Math.floor(Date.now() / 1000) * 1000) - 1000;
    const start = end - (CHART_SECONDS - 1) * 1000;
    const values = [];
    for (let t = start; t <= end; t += 1000) {
      const p = state.throughput.get(t);
      values.push({ t, items: p ? p.items : 0, failed: p ? p.failed : 0 });
    }
    // With more than one silo, a line per silo of what its own workers ran, so a silo that sits idle shows. A silo counts its items
    // when its workers finish them and the total when their jobs take them, so a silo's line may pass the total for a second.
    const silos = state.siloThroughput.size > 1 ? Array.from(state.siloThroughput.keys()).sort() : [];
    const ranBy = silos.map((silo) => { const series = state.siloThroughput.get(silo); return values.map((v) => { const p = series.get(v.t); return p ? p.items : 0; }); });
    // Four grid lines at round, whole numbers, above every line drawn.
    const highest = Math.max(...values.map((v) => v.items), ...ranBy.map((ran) => Math.max(...ran)));
    const max = 4 * Math.max(1, niceStep(highest / 4));
    const x = (t) => pad.left + ((t - start) / (end - start)) * innerW;
    const y = (v) => pad.top + innerH - (v / max) * innerH;

    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": "Items per second over the last five minutes" });
    const defs = svg("defs");
    const gradient = svg("linearGradient", { id: "area-gradient", x1: 0, y1: 0, x2: 0, y2: 1 });
    gradient.append(svg("stop", { offset: "0%", "stop-color": "#4cc2ff", "stop-opacity": 0.35 }), svg("stop", { offset: "100%", "stop-color": "#4cc2ff", "stop-opacity": 0.02 }));
    defs.append(gradient);
    root.append(defs);

    const axis = svg("g", { class: "axis" });
    for (let i = 0; i <= 4; i++) {
      const v = (max / 4) * i;
      axis.append(svg("line", { class: "grid-line", x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v) }));
      axis.append(svg("text", { x: pad.left - 8, y: y(v) + 4, "text-anchor": "end" }, fmtInt(v)));
    }
    for (let minutesAgo = 5; minutesAgo >= 0; minutesAgo--) {
      const t = end - minutesAgo * 60000;
      if (t < start) continue;
      axis.append(svg("text", { x: x(t), y: height - 6, "text-anchor": minutesAgo === 0 ? "end" : minutesAgo === 5 ? "start" : "middle" }, minutesAgo === 0 ? "now" : "−" + minutesAgo + " min"));
    }
    root.append(axis);

    const line = values.map((v, i) => (i === 0 ? "M" : "L") + x(v.t).toFixed(1) + "," + y(v.items).toFixed(1)).join("");
    root.append(svg("path", { class: "area-items", d: line + `L${x(end).toFixed(1)},${y(0)}L${x(start).toFixed(1)},${y(0)}Z` }));
    root.append(svg("path", { class: "series-items", d: line }));
    if (values.some((v) => v.failed > 0)) {
      const failed = values.map((v, i) => (i === 0 ? "M" : "L") + x(v.t).toFixed(1) + "," + y(v.failed).toFixed(1)).join("");
      root.append(svg("path", { class: "series-failed", d: failed }));
    }
    silos.forEach((silo, n) => {
      const ran = ranBy[n];
      const d = ran.map((r, i) => (i === 0 ? "M" : "L") + x(values[i].t).toFixed(1) + "," + y(r).toFixed(1)).join("");
      root.append(svg("path", { class: "series-silo", d, stroke: SILO_COLOURS[n % SILO_COLOURS.length], "data-testid": "throughput-silo", "data-silo": silo }));
    });
    renderChartLegend(silos);
    if (values.every((v) => v.items === 0)) {
      root.append(svg("text", { class: "chart-empty", x: pad.left + innerW / 2, y: pad.top + innerH / 2, "text-anchor": "middle" }, "No items finished in the last five minutes"));
    }

    // Hover: the value of the second under the pointer.
    const hover = svg("line", { class: "grid-line", x1: 0, x2: 0, y1: pad.top, y2: pad.top + innerH, visibility: "hidden" });
    root.append(hover);
    root.addEventListener("mousemove", (event) => {
      const box = root.getBoundingClientRect();
      const px = ((event.clientX - box.left) / box.width) * width;
      const index = Math.round(((px - pad.left) / innerW) * (values.length - 1));
      if (index < 0 || index >= values.length) { hideTooltip(); hover.setAttribute("visibility", "hidden"); return; }
      const v = values[index];
      hover.setAttribute("x1", x(v.t));
      hover.setAttribute("x2", x(v.t));
      hover.setAttribute("visibility", "visible");
      const perSilo = silos.map((silo) => { const p = state.siloThroughput.get(silo).get(v.t); return [silo, fmtInt(p ? p.items : 0)]; });
      showTooltip(event, fmtClock(new Date(v.t)), [["items", fmtInt(v.items)], ["not ok", fmtInt(v.failed)], ...perSilo]);
    });
    root.addEventListener("mouseleave", () => { hideTooltip(); hover.setAttribute("visibility", "hidden"); });
    host.replaceChildren(root);
  }

  function renderChartLegend(silos) {
    const legend = $("chart-legend");
    const key = silos.join("|");
    if (legend.dataset.key === key) return;
    legend.dataset.key = key;
    const parts = [el("span", "swatch swatch-items"), document.createTextNode("items/s "), el("span", "swatch swatch-failed"), document.createTextNode("not ok/s")];
    silos.forEach((silo, n) => {
      const swatch = el("span", "swatch");
      swatch.style.background = SILO_COLOURS[n % SILO_COLOURS.length];
      parts.push(document.createTextNode(" "), swatch, document.createTextNode(silo));
    });
    legend.replaceChildren(...parts);
  }

  // ---------- trace view ----------
  async function openTrace(jobId) {
    state.selected = jobId;
    state.trace = null;
    for (const [id, row] of state.rows) row.classList.toggle("selected", id === jobId);
    const view = $("trace");
    view.hidden = false;
    view.dataset.jobId = jobId;
    view.dataset.loaded = "false";
    await loadTrace();
    view.scrollIntoView({ behavior: "smooth", block: "start" });
  }
  function closeTrace() {
    state.selected = null;
    state.trace = null;
    $("trace").hidden = true;
    for (const row of state.rows.values()) row.classList.remove("selected");
  }
  async function loadTrace() {
    const jobId = state.selected;
    if (!jobId || state.traceLoading) return;
    state.traceLoading = true;
    try {
      const trace = await getJson("api/jobs/" + jobId);
      if (state.selected !== jobId) return;
      if (trace === null) {
        setText($("trace-note"), "No live silo keeps this job any longer: each keeps its running jobs and its last 50 finished ones.");
        return;
      }
      state.trace = trace;
      state.traceLoadedAt = Date.now();
      renderTrace(trace);
    } catch (error) {
      setText($("trace-note"), String(error.message || error));
    } finally {
      state.traceLoading = false;
    }
  }
  function refreshTraceIfLive() {
    if (!state.selected) return;
    const job = state.jobs.get(state.selected);
    // Refresh about once a second while the job runs, and once more after it ends so the final numbers show.
    if (!state.trace || (job && job.outcome !== state.trace.job.outcome)) loadTrace();
    else if (state.trace.job.outcome === null && Date.now() - state.traceLoadedAt >= 1000) loadTrace();
  }
  function renderTrace(trace) {
    const job = trace.job;
    const view = $("trace");
    setText($("trace-kernel"), job.kernel);
    setText($("trace-silo"), "on " + trace.silo);
    $("trace-silo").title = "The job's grain lives on " + trace.silo + ", which keeps this time line";
    setText($("trace-id"), job.jobId);
    const badge = $("trace-outcome");
    setText(badge, outcomeText(job.outcome));
    badge.className = "badge " + (job.outcome === null ? "running" : job.outcome.toLowerCase());
    setText($("trace-total"), job.total !== null ? fmtInt(job.total) : fmtInt(job.read) + "+");
    setText($("trace-ok"), fmtInt(job.succeeded));
    setText($("trace-failed"), fmtInt(job.failed));
    setText($("trace-timedout"), fmtInt(job.timedOut));
    setText($("trace-cancelled"), fmtInt(job.cancelled));
    setText($("trace-wall"), fmtMs(job.elapsedMs));
    setText($("trace-busy"), fmtMs(trace.busyMs));
    setText($("trace-util"), fmtPct(trace.utilisation));
    $("trace-util").title = "busy " + fmtMs(trace.busyMs) + " / (wall " + fmtMs(job.elapsedMs) + " × " + trace.diagnosis.workers + " workers)";
    setText($("trace-chunks"), fmtInt(trace.chunks.length + trace.chunksDropped));
    $("diagnosis").replaceChildren(...trace.diagnosis.sentences.map((sentence) => {
      const item = el("li", null, sentence);
      item.dataset.testid = "diagnosis-sentence";
      return item;
    }));
    setText($("trace-note"), trace.chunksDropped > 0
      ? "Only the first " + fmtInt(trace.chunks.length) + " chunks are drawn; " + fmtInt(trace.chunksDropped) + " more ran."
      : "");
    renderWaterfall(trace);
    renderSiloShares(trace);
    renderLanes(trace);
    view.dataset.loaded = "true";
    view.dataset.outcome = job.outcome === null ? "Running" : job.outcome;
  }
  // The waterfall's rows: per silo, a header naming it and its share, then one lane per worker of it that ran a chunk.
  function waterfallRows(trace) {
    const rows = [];
    for (const silo of trace.silos) {
      rows.push({ silo });
      for (const lane of trace.workers) if (lane.silo === silo.silo) rows.push({ lane });
    }
    // Lanes of a silo the trace has no share for (it cannot happen today) still show, after the rest.
    const shown = new Set(trace.silos.map((s) => s.silo));
    for (const lane of trace.workers) if (!shown.has(lane.silo)) rows.push({ lane });
    return rows;
  }
  function siloSummary(silo) {
    if (silo.chunks === 0) return silo.silo + " · " + fmtInt(silo.workers) + (silo.workers === 1 ? " worker" : " workers") + " · ran none of the job";
    return silo.silo + " · " + fmtInt(silo.workersUsed) + " of " + fmtInt(silo.workers) + " workers · " + fmtInt(silo.items) + " items · " + fmtPct(silo.utilisation) + " busy";
  }
  function renderWaterfall(trace) {
    const host = $("waterfall");
    const job = trace.job;
    const rows = waterfallRows(trace);
    const laneCount = rows.filter((r) => r.lane).length;
    const width = Math.max(480, host.clientWidth);
    const shortName = (worker, silo) => (worker.startsWith(silo + "/") ? worker.slice(silo.length + 1) : worker);
    const labelW = Math.min(240, Math.max(110, 8 + 7.2 * Math.max(0, ...trace.workers.map((l) => shortName(l.worker, l.silo).length + 2))));
    const laneH = 26;
    const headH = 20;
    const axisH = 24;
    const rowH = (row) => (row.silo ? headH : laneH);
    const height = axisH + Math.max(laneH, rows.reduce((sum, r) => sum + rowH(r), 0)) + 6;
    const innerW = width - labelW - 16;
    const lastEnd = trace.chunks.reduce((m, c) => Math.max(m, c.endedMs), 0);
    const span = Math.max(job.elapsedMs, lastEnd, 1);
    const x = (ms) => labelW + (ms / span) * innerW;

    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": "Chunks per worker over the job's time, grouped by silo" });
    const axis = svg("g", { class: "axis" });
    const tickStep = niceStep(span / 6);
    for (let t = 0; t <= span + 1e-9; t += tickStep) {
      axis.append(svg("line", { class: "grid-line", x1: x(t), x2: x(t), y1: axisH - 4, y2: height }));
      axis.append(svg("text", { x: x(t), y: 14, "text-anchor": t === 0 ? "start" : "middle" }, fmtMs(t)));
    }
    root.append(axis);

    const laneTop = new Map();
    let top = axisH;
    let alt = 0;
    for (const row of rows) {
      if (row.silo) {
        const head = svg("text", { class: "silo-label" + (row.silo.chunks === 0 ? " idle" : ""), x: 8, y: top + headH - 6, "data-testid": "waterfall-silo", "data-silo": row.silo.silo }, siloSummary(row.silo));
        root.append(head);
      } else {
        const lane = row.lane;
        laneTop.set(lane.worker, top);
        root.append(svg("rect", { class: "lane-bg" + (alt++ % 2 ? " alt" : ""), x: labelW, y: top, width: innerW, height: laneH - 2, rx: 3 }));
        const name = shortName(lane.worker, lane.silo);
        root.append(svg("text", { class: "lane-label", x: labelW - 8, y: top + laneH / 2 + 3, "text-anchor": "end" }, name.length > 30 ? "…" + name.slice(-29) : name));
      }
      top += rowH(row);
    }
    if (laneCount === 0) {
      root.append(svg("text", { class: "chart-empty", x: labelW + innerW / 2, y: height - laneH / 2, "text-anchor": "middle" }, "No chunk has finished yet"));
    }

    // Waits first, runs on top: a chunk queued behind a running one shows its wait only where the worker was not yet busy.
    const waits = svg("g");
    const bars = svg("g");
    for (const chunk of trace.chunks) {
      const laneY = laneTop.get(chunk.worker);
      if (laneY === undefined) continue;
      const top = laneY + 4;
      const h = laneH - 10;
      if (chunk.queueWaitMs > 0) {
        waits.append(svg("rect", { class: "chunk-wait", x: x(chunk.dispatchedMs), y: top + 3, width: Math.max(0.5, x(chunk.startedMs) - x(chunk.dispatchedMs)), height: h - 6, rx: 1.5 }));
      }
      const run = svg("rect", {
        class: "chunk-run" + (chunk.failed > 0 ? " has-failures" : ""),
        x: x(chunk.startedMs),
        y: top,
        width: Math.max(1, x(chunk.endedMs) - x(chunk.startedMs) - 0.5),
        height: h,
        rx: 2,
        "data-testid": "trace-chunk",
        "data-worker": chunk.worker,
        "data-items": chunk.items,
        "data-failed": chunk.failed,
        "data-chunk-id": chunk.chunkId,
      });
      run.append(svg("title", {}, "chunk " + chunk.chunkId + ": " + chunk.items + " items"));
      run.addEventListener("mousemove", (event) => showTooltip(event, "Chunk " + fmtInt(chunk.chunkId), [
        ["worker", chunk.worker],
        ["items", fmtInt(chunk.items) + " (#" + fmtInt(chunk.startIndex) + "–#" + fmtInt(chunk.startIndex + chunk.items - 1) + ")"],
        ["not ok", fmtInt(chunk.failed)],
        ["queued", fmtMs(chunk.queueWaitMs)],
        ["ran", fmtMs(chunk.endedMs - chunk.startedMs)],
        ["started at", fmtMs(chunk.startedMs)],
        ["ended at", fmtMs(chunk.endedMs)],
      ]));
      run.addEventListener("mouseleave", hideTooltip);
      bars.append(run);
    }
    root.append(waits, bars);
    if (job.outcome !== null) {
      root.append(svg("line", { class: "wall-end", x1: x(job.elapsedMs), x2: x(job.elapsedMs), y1: axisH - 4, y2: height }));
    }
    host.replaceChildren(root);
  }
  function renderSiloShares(trace) {
    const wall = Math.max(trace.job.elapsedMs, 1);
    $("trace-silos-body").replaceChildren(...trace.silos.map((silo) => {
      const row = el("tr");
      row.dataset.testid = "trace-silo-row";
      row.dataset.silo = silo.silo;
      row.dataset.chunks = silo.chunks;
      row.dataset.items = silo.items;
      row.classList.toggle("idle", silo.chunks === 0);
      const util = el("td");
      const wrap = el("div", "util");
      const bar = el("div", "bar");
      const fill = el("span");
      fill.style.width = (silo.utilisation * 100).toFixed(1) + "%";
      bar.append(fill);
      wrap.append(bar, el("span", "pct", fmtPct(silo.utilisation)));
      wrap.title = "busy " + fmtMs(silo.busyMs) + " / (wall " + fmtMs(wall) + " × " + silo.workers + " workers)";
      util.append(wrap);
      row.append(el("td", "mono", silo.silo), el("td", "num", fmtInt(silo.workersUsed) + " / " + fmtInt(silo.workers)), el("td", "num", fmtInt(silo.chunks)), el("td", "num", fmtInt(silo.items)), el("td", "num", fmtMs(silo.busyMs)), util);
      return row;
    }));
  }
  function renderLanes(trace) {
    const body = $("lanes-body");
    const wall = Math.max(trace.job.elapsedMs, 1);
    body.replaceChildren(...trace.workers.map((lane) => {
      const row = el("tr");
      row.dataset.testid = "trace-lane";
      const util = el("td");
      const wrap = el("div", "util");
      const bar = el("div", "bar");
      const fill = el("span");
      const share = Math.min(1, lane.busyMs / wall);
      fill.style.width = (share * 100).toFixed(1) + "%";
      bar.append(fill);
      wrap.append(bar, el("span", "pct", fmtPct(share)));
      util.append(wrap);
      row.append(el("td", "mono", lane.worker), el("td", "num", fmtInt(lane.chunks)), el("td", "num", fmtInt(lane.items)), el("td", "num", fmtMs(lane.busyMs)), util);
      return row;
    }));
  }

  // ---------- errors ----------
  async function loadErrors() {
    try {
      const errors = await getJson("api/errors");
      renderErrors(errors || []);
    } catch {
      // The next update tries again.
      state.errorsKey = "";
    }
  }
  function renderErrors(errors) {
    const list = $("errors");
    list.replaceChildren(...errors.map((error) => {
      const item = el("li");
      item.dataset.testid = "error-row";
      const job = el("span", "err-job", error.kernel + " " + shortId(error.jobId));
      job.title = "Open the trace of job " + error.jobId;
      job.addEventListener("click", () => openTrace(error.jobId));
      const status = el("span", "badge " + error.status.toLowerCase(), error.status === "TimedOut" ? "Timed out" : error.status);
      const message = el("span", "err-message");
      message.append(el("span", "err-type", error.type.split(".").pop()), document.createTextNode(error.message));
      message.title = error.type + ": " + error.message;
      const silo = el("span", "err-silo", error.silo);
      silo.title = "The job's grain lives on " + error.silo;
      item.append(el("span", "err-time", fmtClock(new Date(error.at))), job, silo, el("span", "err-index", "#" + fmtInt(error.index)), status, message);
      return item;
    }));
    $("errors-empty").hidden = errors.length > 0;
    setText($("errors-meta"), errors.length > 0 ? "newest first · last " + fmtInt(errors.length) + " kept" : "");
  }

  // ---------- tooltip ----------
  function showTooltip(event, title, rows) {
    const tip = $("tooltip");
    const content = [el("div", "tt-title", title)];
    for (const [label, value] of rows) {
      const row = el("div", "tt-row");
      row.append(el("span", null, label), el("span", null, value));
      content.push(row);
    }
    tip.replaceChildren(...content);
    tip.hidden = false;
    const box = tip.getBoundingClientRect();
    const left = Math.min(event.clientX + 14, window.innerWidth - box.width - 8);
    const top = event.clientY + 16 + box.height > window.innerHeight ? event.clientY - box.height - 10 : event.clientY + 16;
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }
  function hideTooltip() {
    $("tooltip").hidden = true;
  }

  // ---------- start ----------
  document.addEventListener("DOMContentLoaded", () => {
    $("trace-close").addEventListener("click", closeTrace);
    let resizeTimer = 0;
    window.addEventListener("resize", () => {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(() => {
        renderChart();
        if (state.trace) renderWaterfall(state.trace);
      }, 100);
    });
    renderChart();
    connect();
    loadStoredJobs();
  });
})();
