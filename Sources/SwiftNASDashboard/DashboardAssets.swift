/// The dashboard's script and style, compiled into the binary so it works with no network and no CDN.
enum DashboardAssets {
    struct File: Sendable {
        var contentType: String
        var body: String
    }

    static let files: [String: File] = [
        "dashboard.js": File(contentType: "text/javascript; charset=utf-8", body: script),
        "dashboard.css": File(contentType: "text/css; charset=utf-8", body: style),
    ]

    static let style = """
    body{font-family:system-ui,sans-serif;margin:20px auto;max-width:1320px;color:#222;padding:0 12px}
    h1{font-size:22px;margin:8px 0} h2{font-size:16px;margin-top:24px}
    table{border-collapse:collapse;font-size:12px} td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right;vertical-align:top}
    th{background:#f4f5f7;cursor:default} #evaluations th{cursor:pointer} #evaluations th.sorted-asc:after{content:" ▲"} #evaluations th.sorted-desc:after{content:" ▼"}
    td:first-child,th:first-child{text-align:left} .facts th{text-align:left;background:none} .facts td{text-align:left}
    td.config{text-align:left;font-family:monospace;font-size:11px;max-width:420px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
    td.error,.error{color:#c92a2a;text-align:left} .note{color:#666;font-size:12px}
    .plots{display:flex;flex-wrap:wrap;gap:12px;margin-top:8px} .controls{margin:10px 0;font-size:13px}
    .state{padding:1px 6px;border-radius:8px;background:#e9ecef} .state.running{background:#d3f9d8} .state.interrupted,.state.failed{background:#ffe3e3}
    svg circle.point{cursor:pointer} svg circle.point:hover{stroke:#222;stroke-width:1.5}
    pre#config-json{background:#f8f9fa;border:1px solid #ddd;padding:8px;white-space:pre-wrap;word-break:break-all;font-size:12px}
    """

    static let script = #"""
    "use strict";
    (function () {
      const body = document.body;
      const enc = encodeURIComponent;
      const cell = (text, cls) => { const td = document.createElement("td"); td.textContent = text; if (cls) td.className = cls; return td; };
      const number = (value) => (value === undefined || value === null) ? "" :
        (Math.abs(value) >= 1e6 ? value.toPrecision(4) : (Number.isInteger(value) ? String(value) : value.toFixed(4)));
      const time = (seconds) => seconds ? new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC" : "-";
      async function getJSON(url) { const r = await fetch(url, {cache: "no-store"}); if (!r.ok) throw new Error(url + ": " + r.status); return r.json(); }
      async function getText(url) { const r = await fetch(url, {cache: "no-store"}); if (!r.ok) throw new Error(url + ": " + r.status); return r.text(); }

      if (body.dataset.page === "studies") {
        const tbody = document.querySelector("#studies tbody");
        async function refresh() {
          const studies = await getJSON("/api/studies");
          tbody.replaceChildren(...studies.map((s) => {
            const tr = document.createElement("tr");
            tr.dataset.study = s.name;
            const name = document.createElement("td");
            const link = document.createElement("a");
            link.href = "/studies/" + enc(s.name);
            link.textContent = s.name;
            name.append(link);
            tr.append(name);
            if (s.error) { const td = cell(s.error, "error"); td.colSpan = 10; tr.append(td); return tr; }
            const state = document.createElement("td");
            const badge = document.createElement("span");
            badge.className = "state " + s.state;
            badge.textContent = s.state;
            state.append(badge);
            tr.append(cell(s.space), cell(s.objectives.join(", ")), cell(s.tactic + "/" + s.algorithm), cell(String(s.evaluations)),
                      cell(String(s.failed)), cell(String(s.pending)), cell(String(s.front_size)), cell(s.hypervolume_fraction.toFixed(4)),
                      state, cell(time(s.last_activity)));
            return tr;
          }));
          document.getElementById("hv-overlay").innerHTML = await getText("/hypervolume.svg");
        }
        setInterval(() => refresh().catch(() => {}), 2000);
      }

      if (body.dataset.page === "study") {
        const name = body.dataset.study;
        const metrics = body.dataset.metrics.split("\t");
        const base = "/api/studies/" + enc(name);
        let rows = [], last = -1, sortColumn = 0, sortAscending = true;
        const tbody = document.querySelector("#evaluations tbody");
        const filter = document.getElementById("status-filter");
        const columns = [(r) => r.sequence, ...metrics.map((m) => (r) => r.metrics[m]), (r) => r.status, (r) => r.error || "",
                         (r) => r.seconds, (r) => JSON.stringify(r.configuration)];
        function render() {
          const wanted = filter.value;
          const shown = rows.filter((r) => !wanted || r.status === wanted);
          const key = columns[sortColumn];
          shown.sort((a, b) => {
            const x = key(a), y = key(b);
            const order = (typeof x === "number" && typeof y === "number") ? x - y : String(x ?? "").localeCompare(String(y ?? ""));
            return sortAscending ? order : -order;
          });
          tbody.replaceChildren(...shown.map((r) => {
            const tr = document.createElement("tr");
            tr.dataset.seq = r.sequence;
            tr.className = r.status;
            tr.append(cell(String(r.sequence)), ...metrics.map((m) => cell(number(r.metrics[m]))), cell(r.status),
                      cell(r.error || "", r.error ? "error" : ""), cell(r.seconds.toFixed(1)),
                      cell(JSON.stringify(r.configuration), "config"));
            return tr;
          }));
          document.getElementById("shown").textContent = shown.length + " of " + rows.length + " shown";
          document.querySelectorAll("#evaluations th").forEach((th, i) =>
            th.className = i === sortColumn ? (sortAscending ? "sorted-asc" : "sorted-desc") : "");
        }
        async function refreshPlots() {
          const x = document.getElementById("axis-x").value, y = document.getElementById("axis-y").value;
          document.getElementById("pareto").innerHTML = await getText("/studies/" + enc(name) + "/pareto.svg?x=" + enc(x) + "&y=" + enc(y));
          document.getElementById("hv").innerHTML = await getText("/studies/" + enc(name) + "/hypervolume.svg");
          document.getElementById("iterations").innerHTML = await getText("/studies/" + enc(name) + "/iterations.html");
        }
        async function refreshFacts() {
          const s = await getJSON(base);
          const set = (fact, text) => { const td = document.querySelector('[data-fact="' + fact + '"]'); if (td) td.textContent = text; };
          set("state", s.state);
          set("evaluations", s.evaluations + " done, " + s.failed + " failed, " + s.pending + " pending");
          set("Pareto front", s.front_size + " sub-networks");
          set("last activity", time(s.last_activity));
          set("throughput", s.evaluations_per_hour === null ? "-" :
              s.evaluations_per_hour.toFixed(1) + " evaluations per hour, up to " + s.max_concurrent + " at once");
        }
        async function poll() {
          const fresh = await getJSON(base + "/evaluations?after=" + last);
          if (fresh.length > 0) {
            rows = rows.concat(fresh);
            last = Math.max(last, ...fresh.map((r) => r.sequence));
            render();
            await refreshPlots();
          }
          await refreshFacts();
        }
        function showConfiguration(sequence) {
          const row = rows.find((r) => r.sequence === sequence);
          if (!row) return;
          document.getElementById("config-seq").textContent = String(sequence);
          document.getElementById("config-json").textContent = JSON.stringify(row.configuration, null, 1);
          const panel = document.getElementById("config");
          panel.hidden = false;
          panel.scrollIntoView({block: "nearest"});
        }
        document.getElementById("pareto").addEventListener("click", (event) => {
          const target = event.target.closest("[data-seq]");
          if (target) showConfiguration(Number(target.dataset.seq));
        });
        tbody.addEventListener("click", (event) => {
          const tr = event.target.closest("tr");
          if (tr) showConfiguration(Number(tr.dataset.seq));
        });
        document.getElementById("copy-config").addEventListener("click", () => {
          const text = document.getElementById("config-json").textContent;
          if (navigator.clipboard) navigator.clipboard.writeText(text).catch(() => {});
          const range = document.createRange();
          range.selectNodeContents(document.getElementById("config-json"));
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        });
        document.querySelectorAll("#evaluations th").forEach((th, i) => th.addEventListener("click", () => {
          sortAscending = sortColumn === i ? !sortAscending : true;
          sortColumn = i;
          render();
        }));
        filter.addEventListener("change", render);
        document.getElementById("axis-x").addEventListener("change", () => refreshPlots().catch(() => {}));
        document.getElementById("axis-y").addEventListener("change", () => refreshPlots().catch(() => {}));
        poll().catch(() => {});
        setInterval(() => poll().catch(() => {}), 1000);
      }
    })();
    """#
}
