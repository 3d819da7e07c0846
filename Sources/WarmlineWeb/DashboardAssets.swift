/// The dashboard's stylesheet and script, served from the binary (nothing is fetched from elsewhere at run time).
public enum DashboardAssets {
    /// `/assets/dashboard.css`.
    public static let css = """
        :root { --ink:#1f2733; --muted:#5b6678; --line:#e3e7ee; --bg:#f4f6f9; --panel:#fff; --blue:#2f6fdd; --ok:#1d7a46;
                --warn:#a86400; --alert:#c23b22; }
        * { box-sizing: border-box; }
        body { margin:0; font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color:var(--ink); background:var(--bg); }
        header.top { display:flex; align-items:center; gap:24px; padding:0 20px; height:52px; background:#17202e; color:#fff; position:sticky; top:0; z-index:2; }
        .brand { font-weight:700; font-size:17px; letter-spacing:.2px; }
        .brand .unit { font-weight:400; color:#9fb0c8; margin-left:6px; font-size:14px; }
        nav { display:flex; gap:4px; flex:1; }
        nav a { color:#c9d4e5; text-decoration:none; padding:6px 12px; border-radius:6px; }
        nav a:hover { background:#243047; color:#fff; }
        nav a.active { background:#2f6fdd; color:#fff; }
        .live { display:flex; align-items:center; gap:8px; color:#c9d4e5; font-size:13px; }
        .live .dot { width:10px; height:10px; border-radius:50%; background:#8a94a6; }
        .live[data-state="live"] .dot { background:#3ccf7a; box-shadow:0 0 0 3px rgba(60,207,122,.25); }
        .live[data-state="lost"] .dot { background:#e0a030; }
        main { max-width:1240px; margin:0 auto; padding:12px 20px 32px; }
        .updated { margin:4px 0 10px; font-size:12px; }
        .panel { background:var(--panel); border:1px solid var(--line); border-radius:10px; padding:14px 16px; margin-bottom:14px; }
        .panel h2 { margin:0 0 10px; font-size:15px; font-weight:650; display:flex; align-items:baseline; gap:10px; }
        .panel h3 { margin:14px 0 6px; font-size:13px; color:var(--muted); text-transform:uppercase; letter-spacing:.4px; }
        .muted { color:var(--muted); font-weight:400; font-size:13px; }
        .more { margin-left:auto; font-size:13px; font-weight:400; }
        a { color:var(--blue); }
        .tiles { display:grid; grid-template-columns:repeat(6, 1fr); gap:10px; }
        .tile { border:1px solid var(--line); border-radius:8px; padding:10px 12px; background:#fbfcfe; }
        .tile .value { font-size:26px; font-weight:700; font-variant-numeric:tabular-nums; }
        .tile .label { color:var(--muted); font-size:12px; }
        .tile.alert { border-color:#f1c4bb; background:#fff6f4; } .tile.alert .value { color:var(--alert); }
        .tile.warn { border-color:#f0dcb5; background:#fffaf0; } .tile.warn .value { color:var(--warn); }
        .charts { display:grid; grid-template-columns:1fr 1fr; gap:14px; }
        .charts .panel { margin-bottom:14px; }
        svg.chart { width:100%; height:auto; display:block; }
        .legend { margin:6px 0 0; color:var(--muted); font-size:12px; display:flex; align-items:center; gap:6px; }
        .key { display:inline-block; width:12px; height:12px; border-radius:2px; margin-left:8px; }
        .key.bars { background:#7fa6e8; } .key.line { background:var(--ok); height:3px; } .key.fast { background:var(--blue); } .key.slow { background:#e0a030; }
        table { width:100%; border-collapse:collapse; font-variant-numeric:tabular-nums; }
        th { text-align:left; font-size:12px; color:var(--muted); font-weight:600; border-bottom:1px solid var(--line); padding:6px 8px; }
        td { border-bottom:1px solid #f0f2f6; padding:6px 8px; vertical-align:top; }
        tr:hover td { background:#f8faff; }
        tr.distress td { background:#fff6f4; } tr.handoff td { background:#f5f9ff; }
        td.caller { font-family:ui-monospace, "DejaVu Sans Mono", monospace; font-size:13px; }
        .badge { display:inline-block; padding:1px 8px; border-radius:10px; font-size:12px; font-weight:600; background:#eef1f6; color:var(--muted); }
        .badge.ok { background:#e3f4ea; color:var(--ok); } .badge.warn { background:#fdf0d9; color:var(--warn); }
        .badge.alert { background:#fde4df; color:var(--alert); } .badge.live { background:#e3ecfd; color:var(--blue); }
        .banner { border-radius:8px; padding:10px 14px; }
        .banner.down { background:#fff4e0; border:1px solid #f0d29a; color:#6b4a00; }
        .banner.warn { background:#fdf0d9; border:1px solid #f0d29a; }
        .line-cards { display:flex; flex-wrap:wrap; gap:10px; }
        .line-card { min-width:150px; border-radius:8px; padding:10px 12px; border:1px solid var(--line); }
        .line-card.idle { background:#f3faf6; border-color:#cfe9da; } .line-card.busy { background:#eef4ff; border-color:#c9dafa; }
        .line-card.bypass { background:#fff8e8; border-color:#f0d29a; } .line-card.down { background:#fff1ee; border-color:#f1c4bb; }
        .line-no { font-weight:700; } .line-state { font-size:16px; }
        .filters { display:flex; flex-wrap:wrap; gap:14px; align-items:end; margin-bottom:10px; }
        .filters label { display:flex; flex-direction:column; font-size:12px; color:var(--muted); gap:3px; }
        .filters label.check { flex-direction:row; align-items:center; gap:6px; font-size:13px; color:var(--ink); }
        .filters input, .filters select { font:inherit; padding:5px 8px; border:1px solid #cfd6e1; border-radius:6px; background:#fff; }
        .filters button { font:inherit; padding:6px 14px; border-radius:6px; border:0; background:var(--blue); color:#fff; cursor:pointer; }
        dl.facts { display:grid; grid-template-columns:repeat(4, 1fr); gap:8px 16px; margin:0; }
        dl.facts dt { color:var(--muted); font-size:12px; } dl.facts dd { margin:0; font-weight:600; }
        ul.reasons { margin:0; padding-left:18px; } ul.reasons li { margin:3px 0; }
        blockquote.whisper { margin:0; padding:8px 12px; border-left:4px solid var(--blue); background:#f5f8ff; font-style:italic; }
        .empty { color:var(--muted); margin:4px 0; }
        code { font-family:ui-monospace, "DejaVu Sans Mono", monospace; font-size:12.5px; }
        tr.fresh td { animation: fresh 2.5s ease-out; }
        @keyframes fresh { from { background:#fff3b0; } to { background:transparent; } }
        @media (max-width: 900px) { .tiles { grid-template-columns:repeat(3, 1fr); } .charts { grid-template-columns:1fr; } }
        """

    /// `/assets/dashboard.js`: listens on `/live` (server-sent events) and re-renders the page's main part when the
    /// database changes, keeping the scroll position and the filter form's values.
    public static let script = """
        (function () {
          "use strict";
          var live = document.getElementById("live");
          var liveText = document.getElementById("live-text");
          function state(name, text) { if (live) { live.dataset.state = name; } if (liveText) { liveText.textContent = text; } }
          function refresh() {
            fetch(window.location.href, { credentials: "same-origin", headers: { "X-Warmline-Refresh": "1" } })
              .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.text(); })
              .then(function (html) {
                var doc = new DOMParser().parseFromString(html, "text/html");
                var fresh = doc.getElementById("content");
                var current = document.getElementById("content");
                if (!fresh || !current) { return; }
                var known = {};
                current.querySelectorAll("tr[data-call]").forEach(function (row) { known[row.dataset.call] = true; });
                var focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("form");
                if (focused) { return; }
                current.replaceWith(fresh);
                fresh.querySelectorAll("tr[data-call]").forEach(function (row) { if (!known[row.dataset.call]) { row.classList.add("fresh"); } });
                state("live", "live · " + new Date().toLocaleTimeString());
              })
              .catch(function () { state("lost", "refresh failed; retrying"); });
          }
          if (!window.EventSource) { state("lost", "no live updates in this browser"); return; }
          var source = new EventSource("/live");
          source.addEventListener("open", function () { state("live", "live"); });
          source.addEventListener("change", function () { refresh(); });
          source.addEventListener("error", function () { state("lost", "reconnecting…"); });
        })();
        """
}
