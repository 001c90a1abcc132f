// The Email Engine dashboard. Plain script, no build step. Every value from the server goes into
// the page as text (textContent), never as markup: subjects, addresses and SMTP replies are
// whatever senders and remote servers chose. The API key lives in sessionStorage (this tab only)
// and travels in the Authorization header, never in a URL.
(function () {
  "use strict";

  const KEY = "emailengine.apiKey";
  const POLL_MS = 5000;
  const DEAD_RELOAD_MS = 30000; // a moving dead count reloads the list at most this often
  const $ = (id) => document.getElementById(id);

  let samples = [];
  let interval = 5; // seconds between samples, as the figures say
  let lastDead = null;
  let deadLettersStale = true;
  let deadReloadedAt = 0; // when the dead count last made the list reload (actions do not count)
  let charts = null;
  let timer = null;
  let shownEmail = null;

  // ---- talking to the API --------------------------------------------------------------------

  class Unauthorized extends Error {}

  async function api(method, path, body) {
    const headers = { Accept: "application/json" };
    const key = sessionStorage.getItem(KEY);
    if (key) {
      headers.Authorization = "Bearer " + key;
    }
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    const response = await fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
    });
    if (response.status === 401) {
      throw new Unauthorized();
    }
    const text = await response.text();
    const json = text ? JSON.parse(text) : null;
    if (!response.ok) {
      const detail = json && (json.detail || json.title);
      throw new Error(method + " " + path + ": " + response.status + (detail ? " " + detail : ""));
    }
    return json;
  }

  // Who put the banner up: a refresh that succeeds takes down its own failure, not an action's.
  let errorFromRefresh = false;

  function showError(error, fromRefresh) {
    if (error instanceof Unauthorized) {
      askForKey(true);
      return;
    }
    errorFromRefresh = fromRefresh === true;
    $("error").textContent = error.message || String(error);
    $("error").hidden = false;
  }

  function clearError() {
    errorFromRefresh = false;
    $("error").hidden = true;
    $("error").textContent = "";
  }

  // An action button: disabled while its call runs, errors shown, then everything refreshed.
  async function act(button, call) {
    button.disabled = true;
    try {
      await call();
      clearError();
    } catch (error) {
      showError(error);
    } finally {
      button.disabled = false;
    }
    deadLettersStale = true; // an action may have changed the dead letters: read them again now
    await refresh();
  }

  // ---- the key -------------------------------------------------------------------------------

  function askForKey(refused) {
    stopPolling();
    const hadKey = sessionStorage.getItem(KEY) !== null;
    sessionStorage.removeItem(KEY);
    $("board").hidden = true;
    $("login").hidden = false;
    $("forget-key").hidden = true;
    $("login-error").hidden = !(refused && hadKey);
    $("login-error").textContent = refused && hadKey ? "That key was refused. Check it and try again." : "";
    $("key").focus();
  }

  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $("key").value.trim());
    $("key").value = "";
    await start();
  });

  $("forget-key").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    askForKey(false);
  });

  // ---- helpers for text-only rendering -------------------------------------------------------

  function cell(row, value, className) {
    const td = document.createElement("td");
    td.textContent = value === null || value === undefined ? "" : String(value);
    if (className) {
      td.className = className;
    }
    row.appendChild(td);
    return td;
  }

  function fill(tableId, items, render) {
    const body = $(tableId).tBodies[0];
    const rows = items.map((item) => {
      const tr = document.createElement("tr");
      render(tr, item);
      return tr;
    });
    body.replaceChildren(...rows);
  }

  function button(label, onClick) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", () => onClick(b));
    return b;
  }

  // capped: the store stopped counting there (PostgreSQL, at 100,000), so at least n.
  function number(n, capped) {
    if (n === null || n === undefined) {
      return "–";
    }
    return n.toLocaleString() + (capped ? "+" : "");
  }

  function hasDepth(sample) {
    return sample.queued !== undefined && sample.queued !== null;
  }

  function when(instant) {
    return instant ? new Date(instant).toLocaleString() : "";
  }

  function lastReply(email) {
    const attempts = email.attempts || [];
    const last = attempts[attempts.length - 1];
    if (last && last.message) {
      return last.message;
    }
    return email.last_error || "";
  }

  // ---- charts --------------------------------------------------------------------------------

  function chart(elementId, series) {
    const element = $(elementId);
    const options = {
      width: Math.max(200, element.clientWidth),
      height: 200,
      series: [{}].concat(series.map((s) => ({ label: s[0], stroke: s[1], width: 1.5, spanGaps: false }))),
      axes: [{}, { size: 50 }],
      legend: { live: false },
    };
    const empty = [[]].concat(series.map(() => []));
    return new uPlot(options, empty, element);
  }

  function makeCharts() {
    if (charts || typeof uPlot === "undefined") {
      return;
    }
    charts = {
      depth: chart("chart-depth", [["queued", "#1570ef"], ["scheduled", "#7a5af8"], ["retrying", "#f79009"], ["processing", "#16b364"], ["dead", "#d92d20"]]),
      rates: chart("chart-rates", [["sent", "#16b364"], ["deferred", "#f79009"], ["throttled", "#7a5af8"], ["bounced", "#b42318"], ["dead", "#1d2330"]]),
      latency: chart("chart-latency", [["p50", "#1570ef"], ["p90", "#f79009"], ["p99", "#d92d20"]]),
    };
    window.addEventListener("resize", () => {
      for (const [name, c] of Object.entries(charts)) {
        c.setSize({ width: Math.max(200, $("chart-" + name).clientWidth), height: 200 });
      }
    });
  }

  function drawCharts() {
    if (!charts) {
      return;
    }
    const x = samples.map((s) => Date.parse(s.at) / 1000);
    const pick = (field) => samples.map((s) => (s[field] === undefined ? null : s[field]));
    const rate = (field) => samples.map((s) => (s.seconds > 0 ? (s[field] || 0) / s.seconds : 0));
    charts.depth.setData([x, pick("queued"), pick("scheduled"), pick("retrying"), pick("processing"), pick("dead")]);
    charts.rates.setData([x, rate("sent"), rate("deferred"), rate("throttled"), rate("bounced"), rate("dead_lettered")]);
    charts.latency.setData([x, pick("latency_p50_ms"), pick("latency_p90_ms"), pick("latency_p99_ms")]);
  }

  // ---- the figures -----------------------------------------------------------------------------

  async function loadFigures() {
    const since = samples.length ? samples[samples.length - 1].at : null;
    const figures = await api("GET", "/dashboard/figures" + (since ? "?since=" + encodeURIComponent(since) : ""));
    const horizon = Date.parse(figures.at) - 3600 * 1000;
    samples = samples.concat(figures.samples || []).filter((s) => Date.parse(s.at) > horizon);
    $("where").textContent = "store: " + figures.store;
    interval = figures.interval_seconds || interval;
    const latest = [...samples].reverse().find(hasDepth);
    const capped = (latest && latest.capped) || [];
    for (const state of ["queued", "scheduled", "retrying", "processing", "dead"]) {
      $("depth-" + state).textContent = number(latest && latest[state], capped.includes(state));
    }
    // The store did not answer the last sample: the figures shown are older, and say so.
    const newest = samples[samples.length - 1];
    const stale = latest !== undefined && newest !== latest;
    $("depth-figures").classList.toggle("stale", stale);
    $("depth-stale").hidden = !stale;
    $("depth-stale").textContent = stale ? "As of " + new Date(latest.at).toLocaleTimeString()
      + ": the queue's store is not answering." : "";
    $("sent-hour").textContent = number(samples.reduce((sum, s) => sum + (s.sent || 0), 0));
    drawCharts();
    fill("domains", figures.domains || [], (tr, d) => {
      cell(tr, d.domain);
      cell(tr, d.sent);
      cell(tr, d.deferred);
      cell(tr, d.throttled);
      cell(tr, d.bounced);
      cell(tr, d.failed);
      const limit = d.rate_limit;
      cell(tr, limit ? limit.effective_per_second.toFixed(2) + "/s, " + Math.round(limit.fullness * 100) + " % full" : "default");
    });
    showCluster(figures.cluster);
    return latest ? latest.dead : null;
  }

  function showCluster(cluster) {
    $("cluster").hidden = !cluster;
    if (!cluster) {
      return;
    }
    const minute = samples.slice(-Math.max(1, Math.round(60 / interval)));
    const sent = minute.reduce((sum, s) => sum + (s.cluster_sent || 0), 0);
    $("cluster-summary").textContent = "This instance: " + cluster.self + ". Sent by all instances in the last minute: "
      + sent + ". Instances appear while they hold claims.";
    fill("instances", cluster.instances || [], (tr, i) => {
      cell(tr, i.instance + (i.instance === cluster.self ? " (this one)" : ""));
      cell(tr, i.claimed);
      cell(tr, when(i.lease_until));
    });
  }

  async function loadWorkers() {
    const status = await api("GET", "/workers/status");
    const engine = $("engine-state");
    engine.textContent = status.paused ? "paused" : status.worker_pool_status;
    engine.className = "pill " + (status.paused ? "warn" : status.auto_processing_enabled ? "good" : "");
    const smtp = status.smtp || {};
    $("smtp-state").textContent = "SMTP " + smtp.state;
    $("smtp-state").className = "pill " + (smtp.state === "closed" ? "good" : "bad");
    $("smtp-detail").textContent = smtp.state === "closed" ? "SMTP circuit closed: delivering."
      : "SMTP circuit " + smtp.state + " (" + (smtp.cause || "") + "): " + (smtp.last_error || "") + "; next probe " + when(smtp.next_probe_at);
    $("pause").disabled = status.paused;
    $("resume").disabled = !status.paused;
    fill("workers", (status.status && status.status.workers) || [], (tr, w) => {
      cell(tr, w.worker_id);
      cell(tr, w.running ? "yes" : "no");
      cell(tr, w.emails_sent);
      cell(tr, w.emails_failed);
      cell(tr, w.avg_latency_ms);
      cell(tr, w.current_batch || "");
    });
    fill("limits", status.rate_limits || [], (tr, l) => {
      cell(tr, l.key);
      cell(tr, l.configured);
      cell(tr, l.effective_per_second.toFixed(2));
      cell(tr, Math.round(l.fullness * 100) + " %");
      cell(tr, l.wait_millis);
    });
  }

  async function loadDeadLetters() {
    const page = await api("GET", "/dead-letter?limit=50");
    $("dead-total").textContent = "(" + page.total + ")";
    fill("dead-letters", page.emails || [], (tr, email) => {
      cell(tr, email.request_id);
      cell(tr, email.to_email);
      cell(tr, email.subject, "subject");
      cell(tr, lastReply(email), "reply");
      const td = document.createElement("td");
      td.appendChild(button("Retry", (b) => act(b, () => api("POST", "/dead-letter/" + encodeURIComponent(email.request_id) + "/retry"))));
      tr.appendChild(td);
    });
  }

  let refreshing = false;
  let again = false;

  async function refresh() {
    if (refreshing) {
      again = true; // not on top of a slow answer: once more when it is in
      return;
    }
    refreshing = true;
    try {
      const dead = await loadFigures();
      await loadWorkers();
      // Dead letters are read again on an action, or when their count moved, at most once per
      // DEAD_RELOAD_MS: a steady stream of dead letters does not reread the list every poll.
      const moved = dead !== lastDead || dead === null;
      if (deadLettersStale || (moved && Date.now() - deadReloadedAt >= DEAD_RELOAD_MS)) {
        if (!deadLettersStale) {
          deadReloadedAt = Date.now();
        }
        deadLettersStale = false;
        lastDead = dead;
        try {
          await loadDeadLetters();
        } catch (error) {
          deadLettersStale = true;
          throw error;
        }
      }
      if (shownEmail) {
        await showEmail(shownEmail);
      }
      $("updated").textContent = new Date().toLocaleTimeString();
      if (errorFromRefresh) {
        clearError(); // the service answers again
      }
    } catch (error) {
      showError(error, true);
    } finally {
      refreshing = false;
      if (again) {
        again = false;
        setTimeout(refresh, 0);
      }
    }
  }

  // ---- actions -------------------------------------------------------------------------------

  $("pause").addEventListener("click", (e) => act(e.target, () => api("POST", "/workers/pause")));
  $("resume").addEventListener("click", (e) => act(e.target, () => api("POST", "/workers/resume")));
  $("retry-all").addEventListener("click", (e) => {
    if (confirm("Requeue every dead letter?")) {
      act(e.target, () => api("POST", "/dead-letter/retry-all"));
    }
  });

  async function showEmail(id) {
    const email = await api("GET", "/email/" + encodeURIComponent(id));
    shownEmail = id;
    $("email").hidden = false;
    $("email-state").textContent = email.state;
    $("email-to").textContent = email.to_email;
    $("email-subject").textContent = email.subject;
    $("email-next").textContent = when(email.next_attempt_at);
    $("email-error").textContent = email.last_error || "";
    // DELETE /email/{id} takes any email not being sent yet: queued, or waiting for its retry.
    $("cancel-email").hidden = email.state !== "queued" && email.state !== "retrying";
    fill("attempts", email.attempts || [], (tr, a) => {
      cell(tr, when(a.at) + (a.count ? " (" + a.count + " times)" : ""));
      cell(tr, a.outcome);
      cell(tr, a.message, "reply");
    });
  }

  $("find-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      shownEmail = null;
      $("email").hidden = true;
      await showEmail($("find-id").value.trim());
      clearError();
    } catch (error) {
      showError(error);
    }
  });

  $("cancel-email").addEventListener("click", (e) => act(e.target, () => api("DELETE", "/email/" + encodeURIComponent(shownEmail))));

  async function searchSuppressions() {
    const search = $("suppressions-search").value.trim();
    const page = await api("GET", "/suppressions?limit=50" + (search ? "&search=" + encodeURIComponent(search) : ""));
    fill("suppressions", page.suppressions || [], (tr, s) => {
      cell(tr, s.address);
      cell(tr, s.list_id || "all mail");
      cell(tr, s.reason || s.source, "reply");
      const td = document.createElement("td");
      td.appendChild(button("Remove", (b) => {
        if (!confirm("Remove " + s.address + " from the suppression list? Mail to it will go out again.")) {
          return;
        }
        act(b, async () => {
          const scope = s.list_id ? "?list_id=" + encodeURIComponent(s.list_id) : "";
          await api("DELETE", "/suppressions/" + encodeURIComponent(s.address) + scope);
          await searchSuppressions();
        });
      }));
      tr.appendChild(td);
    });
  }

  $("suppressions-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await searchSuppressions();
      clearError();
    } catch (error) {
      showError(error);
    }
  });

  async function loadTemplates() {
    const list = await api("GET", "/templates");
    const select = $("template");
    select.replaceChildren(...(list.templates || []).map((name) => {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = name;
      return option;
    }));
  }

  $("preview-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      let vars;
      try {
        vars = JSON.parse($("template-vars").value || "{}");
      } catch (e) {
        throw new Error("The variables are not JSON: " + e.message);
      }
      const rendered = await api("POST", "/templates/" + encodeURIComponent($("template").value) + "/preview", { template_vars: vars });
      $("preview").hidden = false;
      $("preview-subject").textContent = rendered.subject;
      $("preview-text").textContent = rendered.text || "(none)";
      $("preview-html").textContent = rendered.html || "(none)";
      clearError();
    } catch (error) {
      showError(error);
    }
  });

  // ---- start ---------------------------------------------------------------------------------

  function stopPolling() {
    if (timer) {
      clearInterval(timer);
      timer = null;
    }
  }

  async function start() {
    stopPolling();
    samples = [];
    lastDead = null;
    deadLettersStale = true;
    deadReloadedAt = 0;
    // The page says whether the service wants a key, so a first visit asks for one without a
    // refused request (which the browser would log as an error).
    if (document.body.dataset.keyRequired === "true" && sessionStorage.getItem(KEY) === null) {
      askForKey(false);
      return;
    }
    try {
      await loadFigures(); // the first call tells whether the key (or no key) is accepted
    } catch (error) {
      showError(error);
      return;
    }
    $("login").hidden = true;
    $("login-error").hidden = true;
    $("board").hidden = false;
    $("forget-key").hidden = sessionStorage.getItem(KEY) === null;
    clearError();
    makeCharts();
    drawCharts();
    await refresh();
    try {
      await Promise.all([loadTemplates(), searchSuppressions()]);
    } catch (error) {
      showError(error);
    }
    timer = setInterval(refresh, POLL_MS);
  }

  start();
})();
