/* Pathways widget: one <script> tag puts the careers chat on another site. Plain JS, no framework,
 * no build step. Everything renders in a shadow root, so the host page's CSS cannot reach it and its
 * CSS cannot reach the host page. Text from people and from the API is only ever inserted as text.
 * Contract: docs/widget.md. */
(function () {
  "use strict";
  var VERSION = "1.0.0";
  var W = window, doc = document;
  var me = doc.currentScript;
  var SVG = "http://www.w3.org/2000/svg";
  var LEVELS = { standard: 1, simple: 1, "first-steps": 1 };
  var REASONS = [["", "Choose a reason (optional)"], ["inaccurate", "It was not accurate"], ["incomplete", "Something was missing"],
                 ["too-hard", "Too hard to read"], ["irrelevant", "It did not answer my question"],
                 ["other", "Something else"]];
  var DEFAULTS = {
    name: "Pathways", colour: "#005eb8", level: "standard", borough: null, handoff: null,
    greeting: "Hello! Ask me about jobs in the NHS and social care in London.",
    starters: ["What jobs need no qualifications?", "How do I become a healthcare assistant?"]
  };
  var THUMB = "M2 10h4v11H2zM8 21h9.5a2 2 0 0 0 2-1.6l1.4-7A2 2 0 0 0 19 10h-5l1-4.5A2 2 0 0 0 13 3l-5 7z";
  var TURNS = 10, KEEP = 40, TIMEOUT = 30000;
  var uid = 0;

  function originOf(src) {
    try { return new URL(src, location.href).origin; } catch (e) { return ""; }
  }
  var DEFAULT_BASE = me && me.src ? originOf(me.src) : "";

  function report(msg) { try { console.error("Pathways widget: " + msg); } catch (e) { /* no console */ } }

  // ---- small DOM helpers: attributes by setAttribute, text by textContent; never HTML strings ----
  function h(tag, attrs, text) {
    var n = doc.createElement(tag);
    for (var k in attrs || {}) if (attrs[k] != null && attrs[k] !== false) n.setAttribute(k, attrs[k] === true ? "" : attrs[k]);
    if (text != null) n.textContent = text;
    return n;
  }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) if (arguments[i]) parent.appendChild(arguments[i]);
    return parent;
  }
  function icon(d, cls) {
    var s = doc.createElementNS(SVG, "svg"), p = doc.createElementNS(SVG, "path");
    s.setAttribute("viewBox", "0 0 24 24"); s.setAttribute("aria-hidden", "true");
    s.setAttribute("focusable", "false"); s.setAttribute("class", cls);
    p.setAttribute("d", d); s.appendChild(p);
    return s;
  }

  // ---- colours: text on the brand colour is black or white, whichever contrasts more ----
  function rgb(hex) { var n = parseInt(hex.slice(1), 16); return [n >> 16 & 255, n >> 8 & 255, n & 255]; }
  function lum(hex) {
    var c = rgb(hex).map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  }
  function ratio(a, b) { var x = lum(a), y = lum(b); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); }
  function darker(hex) {
    return "#" + rgb(hex).map(function (v) { return ("0" + Math.floor(v * 0.85).toString(16)).slice(-2); }).join("");
  }
  function themeCss(brand) {
    var on = ratio(brand, "#ffffff") >= ratio(brand, "#000000") ? "#ffffff" : "#000000";
    var accent = brand;  // links and outline buttons on light backgrounds need 4.5:1 too
    for (var i = 0; i < 30 && ratio(accent, "#e8f1fb") < 4.5; i++) accent = darker(accent);
    return ".pw{--b:" + brand + ";--ob:" + on + ";--a:" + accent + "}";
  }
  function hexColour(v) {
    v = String(v || "").trim();
    if (/^#[0-9a-f]{3}$/i.test(v)) v = "#" + v[1] + v[1] + v[2] + v[2] + v[3] + v[3];
    return /^#[0-9a-f]{6}$/i.test(v) ? v.toLowerCase() : null;
  }

  var CSS = [
    ":host{all:initial!important;display:block!important;position:static!important;visibility:visible!important}",
    ":host([mode=contained]){position:relative!important;height:640px!important;overflow:hidden!important}",
    ":host([mode=fill]){position:fixed!important;inset:0!important;z-index:2147483000!important}",
    ".pw,.pw *,.pw *::before,.pw *::after{box-sizing:border-box}",
    ".pw{font:100%/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,Helvetica,Arial,sans-serif;color:#1d1d1b;text-align:left;-webkit-text-size-adjust:100%;height:100%}",
    "[hidden]{display:none!important}",
    ".vh{position:absolute!important;width:1px!important;height:1px!important;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}",
    "button,textarea,select{font:inherit;color:inherit;margin:0}",
    "button{cursor:pointer}",
    "a{color:var(--a)}",
    ":focus-visible{outline:3px solid #ffeb3b;outline-offset:0;box-shadow:0 0 0 6px #1d1d1b}",
    ".launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:inline-flex;align-items:center;gap:8px;min-width:56px;min-height:56px;padding:8px 20px 8px 16px;border:2px solid var(--ob);border-radius:28px;background:var(--b);color:var(--ob);font-weight:700;box-shadow:0 2px 10px rgba(0,0,0,.35)}",
    ".ic{width:24px;height:24px;fill:currentColor;flex:none}",
    ".bubble{position:fixed;right:16px;bottom:84px;z-index:2147483000;max-width:min(300px,calc(100vw - 32px));margin:0;padding:8px 12px;background:#fde8ec;color:#8a1538;border:2px solid #8a1538;border-radius:8px;font-size:.9375em}",
    ".left .launcher,.left .panel,.left .bubble{right:auto;left:16px}",
    ".panel{position:fixed;right:16px;bottom:16px;z-index:2147483000;display:flex;flex-direction:column;width:400px;max-width:calc(100vw - 32px);height:620px;max-height:calc(100vh - 32px);background:#fff;border:1px solid #768692;border-radius:12px;box-shadow:0 6px 28px rgba(0,0,0,.35);overflow:hidden}",
    ".inline .panel{position:relative;right:auto;bottom:auto;z-index:auto;width:100%;max-width:none;height:640px;max-height:100vh;box-shadow:none}",
    ".fill .panel{position:absolute;inset:0;width:auto;height:auto;max-width:none;max-height:none;border:0;border-radius:0;box-shadow:none}",
    ".contained .launcher,.contained .panel,.contained .bubble{position:absolute}",
    ".contained .panel{max-width:calc(100% - 32px);max-height:calc(100% - 32px)}",
    "@media (max-width:480px){.floating .panel{inset:0;width:auto;height:auto;max-width:none;max-height:none;border:0;border-radius:0}}",
    "@media (prefers-reduced-motion:no-preference){.floating .panel,.contained .panel{animation:pw-in .16s ease-out}}",
    "@keyframes pw-in{from{opacity:0;transform:translateY(12px)}}",
    ".head{display:flex;align-items:center;gap:8px;padding:6px 6px 6px 16px;min-height:56px;background:var(--b);color:var(--ob);flex:none}",
    ".head h2{flex:1;margin:0;font-size:1.125em;line-height:1.3;font-weight:700;overflow-wrap:anywhere}",
    ".x{display:grid;place-items:center;width:44px;height:44px;padding:0;border:0;border-radius:6px;background:transparent;color:inherit}",
    ".x svg{width:22px;height:22px;fill:none;stroke:currentColor;stroke-width:2.5;stroke-linecap:round}",
    ".scroll{position:relative;flex:1 1 auto;min-height:0;overflow-y:auto;overscroll-behavior:contain;padding:12px 16px}",
    ".greet{margin:0 0 12px;padding:10px 12px;border-radius:8px;background:#f0f4f5}",
    ".log{display:flex;flex-direction:column;gap:12px}",
    ".msg{max-width:100%;padding:10px 12px;border-radius:8px;overflow-wrap:anywhere}",
    ".msg p{margin:0 0 8px}.msg p:last-child{margin-bottom:0}",
    ".msg ul{margin:0 0 8px;padding-left:22px}",
    ".user{align-self:flex-end;max-width:88%;background:#e8f1fb;white-space:pre-wrap}",
    ".bot{background:#f7f9fa;border-left:4px solid var(--b)}",
    ".src{margin:8px 0 0;font-size:.9375em}",
    ".src ul{margin:4px 0 0;padding-left:20px}",
    ".src a{display:inline-block;min-height:24px;padding:2px 0}",
    ".pw .sub{margin:12px 0 6px;font-weight:700;font-size:.9375em}",
    ".pw .chips{display:flex;flex-wrap:wrap;gap:8px;margin:0;padding:0;list-style:none}",
    ".chip{min-height:40px;padding:6px 14px;border:2px solid var(--a);border-radius:20px;background:#fff;color:var(--a);font-size:.9375em;font-weight:600;text-align:left}",
    ".chip:hover{background:#e8f1fb}",
    ".fb{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin-top:10px;font-size:.9375em}",
    ".fb p{margin:0}",
    ".vote{display:inline-grid;place-items:center;min-width:44px;min-height:44px;padding:4px 8px;border:2px solid #4c6272;border-radius:6px;background:#fff;color:#1d1d1b}",
    ".vote[aria-pressed=true]{background:#e8f1fb;border-color:#1d1d1b}",
    ".down{transform:rotate(180deg)}",
    ".vote:hover,.btn2:hover{background:#e8f1fb}",
    "select{min-height:44px;max-width:100%;padding:4px 8px;border:2px solid #4c6272;border-radius:6px;background:#fff;color:#1d1d1b}",
    ".btn{min-height:44px;min-width:44px;padding:8px 16px;border:2px solid var(--b);border-radius:6px;background:var(--b);color:var(--ob);font-weight:700}",
    ".btn2{min-height:44px;padding:6px 12px;border:2px solid var(--a);border-radius:6px;background:#fff;color:var(--a);font-weight:600}",
    ".think{margin:12px 0 0;color:#4c6272;font-style:italic}",
    ".alert{flex:none;margin:8px 16px 0;padding:8px 12px;border-left:4px solid #8a1538;background:#fde8ec;color:#8a1538}",
    ".alert:empty{display:none}",
    "form{flex:none;margin:0;padding:8px 16px 4px;border-top:1px solid #d8dde0}",
    "label{display:block;margin:0 0 4px;font-weight:700;font-size:.9375em}",
    ".row{display:flex;gap:8px;align-items:flex-end}",
    "textarea{flex:1 1 auto;min-width:0;min-height:48px;max-height:140px;padding:8px 10px;border:2px solid #1d1d1b;border-radius:6px;background:#fff;color:#1d1d1b;resize:vertical;line-height:1.4}",
    ".foot{flex:none;display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:4px 16px;padding:4px 16px 10px;font-size:.875em}",
    ".foot a,.link{display:inline-block;min-height:24px;min-width:24px;padding:2px 0}",
    ".link{border:0;background:none;color:var(--a);text-decoration:underline;font-weight:400}",
    ".hint{font-weight:400;color:#4c6272}"
  ].join("\n");

  var sharedSheet = null;
  function canAdopt() {
    try { return "adoptedStyleSheets" in Document.prototype && "replaceSync" in CSSStyleSheet.prototype; } catch (e) { return false; }
  }
  // Constructed sheets are not blocked by a host page's `style-src 'self'`; <style> is the fallback.
  function styleRoot(root, theme) {
    if (canAdopt()) {
      if (!sharedSheet) { sharedSheet = new CSSStyleSheet(); sharedSheet.replaceSync(CSS); }
      var t = new CSSStyleSheet();
      t.replaceSync(theme);
      root.adoptedStyleSheets = [sharedSheet, t];
      return function (css) { t.replaceSync(css); };
    }
    var s1 = h("style", null, CSS), s2 = h("style", null, theme);
    add(root, s1, s2);
    return function (css) { s2.textContent = css; };
  }

  function truthy(v) { return v === true || v === "" || v === "true" || v === "yes" || v === "1"; }

  // Options from data attributes or mount(): only what was given, checked; given options win.
  function clean(o) {
    var r = {};
    function str(v, max) { return typeof v === "string" && v.trim() ? v.trim().slice(0, max) : null; }
    r.site = str(o.site, 80) || "";
    if (str(o.borough, 40)) r.borough = str(o.borough, 40);
    if (o.level != null) {
      if (LEVELS[o.level]) r.level = o.level;
      else report("level '" + o.level + "' is not known; use standard or simple.");
    }
    if (o.position != null) r.left = o.position === "bottom-left";
    if (o.colour != null || o.color != null) {
      var c = hexColour(o.colour != null ? o.colour : o.color);
      if (c) r.colour = c; else report("colour must look like #005eb8.");
    }
    if (str(o.greeting, 400)) r.greeting = str(o.greeting, 400);
    var st = o.starters;
    if (typeof st === "string") st = st.split("|");
    if (st && st.length) {
      st = st.map(function (s) { return String(s).trim().slice(0, 200); }).filter(Boolean).slice(0, 6);
      if (st.length) r.starters = st;
    }
    r.open = o.open != null && truthy(o.open);
    r.floating = truthy(o.floating);
    r.fill = truthy(o.fill);
    r.base = str(o.base, 400);
    return r;
  }

  function retrySeconds(res, body) {
    var n = parseInt(res && res.headers.get("Retry-After"), 10);
    if (!(n >= 0) && body) n = parseInt(body.retry_after, 10);
    if (!(n >= 0) && body && typeof body.detail === "string") {
      var m = /(\d+)\s*second/.exec(body.detail); if (m) n = +m[1];
    }
    return n >= 0 ? Math.max(1, n) : null;
  }

  // One request to Pathways. Resolves with the JSON body; rejects with {message (for people), log}.
  function call(base, site, method, path, body) {
    var url = base + path;
    var ctl = W.AbortController ? new AbortController() : null;
    var timer = ctl && setTimeout(function () { ctl.abort(); }, TIMEOUT);
    var init = { method: method, mode: "cors", credentials: "omit", headers: { Accept: "application/json" },
                 signal: ctl ? ctl.signal : undefined };
    if (body) { init.headers["Content-Type"] = "application/json"; init.body = JSON.stringify(body); }
    function fail(message, log, extra) {
      var e = { message: message, log: log };
      for (var k in extra || {}) e[k] = extra[k];
      return e;
    }
    return fetch(url, init).then(function (res) {
      clearTimeout(timer);
      if (res.status === 204) return null;
      var type = res.headers.get("Content-Type") || "";
      return res.text().then(function (text) {
        var data = null;
        if (/json/i.test(type)) { try { data = JSON.parse(text); } catch (e) { data = null; } }
        if (!data || typeof data !== "object") {
          throw fail(res.status >= 500 ? "Pathways is busy or restarting — please try again in a minute."
                                       : "Sorry, the chat can't reach Pathways right now. Please try again later.",
            url + " answered HTTP " + res.status + " with " + (type || "no content type") + " instead of JSON. " +
            "Something between this page and Pathways (a proxy, tunnel, firewall or login page) is answering " +
            "instead of the Pathways server; check that " + base + " reaches Pathways itself.");
        }
        if (res.ok) return data;
        var detail = typeof data.detail === "string" ? data.detail : "HTTP " + res.status;
        var s = res.status;
        if (s === 429) {
          var n = retrySeconds(res, data);
          throw fail("Lots of people are asking right now — please try again in " +
            (n ? n + " second" + (n === 1 ? "" : "s") : "a minute") + ".", null, { status: s });
        }
        if (s === 403 || (s === 404 && /\/api\/sites\//.test(path))) {
          throw fail("Sorry, this chat can't start on this website: " + detail,
            detail + " (site '" + site + "', this page's origin " + location.origin + "). " +
            "The Pathways team must list this origin for the site in sites.yaml.", { status: s, fatal: true });
        }
        if (s >= 500) {
          throw fail("Pathways is busy or restarting — please try again in a minute.",
            url + " answered HTTP " + s + ": " + detail, { status: s });
        }
        throw fail("Sorry, that didn't work: " + detail, url + " answered HTTP " + s + ": " + detail, { status: s });
      });
    }, function (err) {
      clearTimeout(timer);
      if (err && err.name === "AbortError") {
        throw fail("Pathways is taking too long to answer. Please try again.", url + " took over " + TIMEOUT / 1000 + " s.");
      }
      throw fail("Sorry, the chat can't connect to Pathways right now. Please try again later.",
        "could not reach " + url + " (" + (err && err.message) + "). The Pathways server may be down or the " +
        "script's address wrong; this page's Content-Security-Policy (connect-src) may block it; or this " +
        "origin (" + location.origin + ") is not listed for site '" + site + "' in sites.yaml, so the " +
        "browser refused the cross-origin answer.");
    });
  }

  // ---- one widget ----
  function create(target, options) {
    var o = clean(options || {});
    var base = (o.base || DEFAULT_BASE || location.origin).replace(/\/+$/, "");
    var site = o.site;
    var mode = target ? (o.fill ? "fill" : o.floating ? "contained" : "inline") : "floating";
    var floating = mode === "floating" || mode === "contained";
    var cfg = {}, k;
    for (k in DEFAULTS) cfg[k] = DEFAULTS[k];
    function overlay() { for (var k in o) if (o[k] != null && k in DEFAULTS) cfg[k] = o[k]; }
    overlay();
    var key = "pathways:" + site;
    var items = load();
    var busy = false, fatal = null, modal = false, alive = true, loading = false, loaded = false, startup = null;
    var n = ++uid;

    var host = h("pathways-widget", { mode: mode });
    var root = host.attachShadow({ mode: "open" });
    var setTheme = styleRoot(root, themeCss(cfg.colour));
    var wrap = add(root, h("div", { "class": "pw " + mode + (o.left ? " left" : "") })).lastChild;

    var launcher = null, bubble = null, closeBtn = null;
    if (floating) {
      launcher = h("button", { type: "button", "class": "launcher", "aria-haspopup": "dialog", "aria-expanded": "false",
                               "aria-controls": "pw-panel" });
      add(launcher, icon("M4 3h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z", "ic"),
          h("span", null, "Ask about jobs"));
      bubble = h("p", { "class": "bubble", hidden: true });
      add(wrap, bubble, launcher);
    }
    var title = h("h2", { id: "pw-title" }, cfg.name);
    var panel = h("div", floating ? { "class": "panel", id: "pw-panel", role: "dialog", "aria-labelledby": "pw-title", hidden: true }
                                  : { "class": "panel", role: "region", "aria-labelledby": "pw-title" });
    var head = add(h("div", { "class": "head" }), title);
    if (floating) {
      closeBtn = add(h("button", { type: "button", "class": "x", "aria-label": "Close chat" }),
                     icon("M6 6l12 12M18 6L6 18", ""));
      head.appendChild(closeBtn);
    }
    var scroller = h("div", { "class": "scroll" });
    var greet = h("p", { "class": "greet" }, cfg.greeting);
    var log = h("div", { "class": "log", role: "log", "aria-live": "polite", "aria-relevant": "additions",
                         "aria-label": "Conversation" });
    var think = h("p", { "class": "think", "aria-hidden": "true", hidden: true }, "Thinking…");
    var starters = h("div", { "class": "starters" });
    add(scroller, greet, log, think, starters);
    var status = h("div", { "class": "vh", role: "status" });
    var alert = h("div", { "class": "alert", role: "alert" });
    var form = h("form", { novalidate: true });
    var input = h("textarea", { id: "pw-q", rows: "2", maxlength: "2000", autocomplete: "off" });
    var send = h("button", { type: "submit", "class": "btn" }, "Send");
    add(form, add(h("label", { "for": "pw-q" }, "Your question "), h("span", { "class": "hint" }, "(no personal details, please)")), add(h("div", { "class": "row" }), input, send));
    var foot = h("div", { "class": "foot" });
    var handoff = h("span", { "class": "handoff" });
    var clearBtn = h("button", { type: "button", "class": "link" }, "Clear conversation");
    add(foot, handoff, clearBtn);
    add(panel, head, scroller, status, alert, form, foot);
    wrap.appendChild(panel);

    // ---- conversation, kept for this tab only ----
    function load() {
      try { var s = JSON.parse(sessionStorage.getItem(key) || "null"); return s && s.items instanceof Array ? s.items : []; }
      catch (e) { return []; }
    }
    function save() {
      items = items.slice(-KEEP);
      try { sessionStorage.setItem(key, JSON.stringify({ v: 1, items: items })); } catch (e) { /* storage off: not kept */ }
    }
    function turns() {
      return items.slice(-TURNS).map(function (it) {
        return it.role === "user" ? { role: "user", content: String(it.text).slice(0, 4000) }
                                  : { role: "assistant", content: String(it.answer).slice(0, 4000) };
      });
    }

    function href(u) {
      u = String(u || "");
      if (/^\/(?!\/)/.test(u)) return base + u;
      try { var x = new URL(u); if (x.protocol === "https:" || x.protocol === "http:") return x.href; } catch (e) { /* not a URL */ }
      return null;
    }
    function chipList(questions, label) {
      var box = h("div", { "class": "asks" });
      var ul = h("ul", { "class": "chips", "aria-label": label });
      questions.forEach(function (q) {
        add(ul, add(h("li"), h("button", { type: "button", "class": "chip", "data-ask": "" }, q)));
      });
      return add(box, h("p", { "class": "sub", "aria-hidden": "true" }, label), ul);
    }
    function text(box, t) {
      var ul = null;
      String(t).split(/\r?\n/).forEach(function (line) {
        var m = /^\s*[-*•]\s+(.*)$/.exec(line);
        if (m) {
          if (!ul) ul = add(box, h("ul")).lastChild;
          ul.appendChild(h("li", null, m[1]));
        } else {
          ul = null;
          if (line.trim()) box.appendChild(h("p", null, line));
        }
      });
    }
    function userNode(t) {
      return add(h("div", { "class": "msg user" }), h("span", { "class": "vh" }, "You said: "), doc.createTextNode(t));
    }
    function botNode(it, withSuggestions) {
      var box = add(h("div", { "class": "msg bot" }), h("span", { "class": "vh" }, "Pathways said: "));
      text(box, it.answer);
      var links = (it.sources || []).filter(function (s) { return href(s.url); });
      if (links.length) {
        var ul = h("ul");
        links.forEach(function (s) {
          add(ul, add(h("li"), add(h("a", { href: href(s.url), target: "_blank", rel: "noopener" }, s.title || s.url),
                                   h("span", { "class": "vh" }, " (opens in a new tab)"))));
        });
        add(box, add(h("div", { "class": "src" }, "Sources:"), ul));
      }
      if (it.feedback_id) box.appendChild(feedback(it));
      if (withSuggestions && it.suggestions && it.suggestions.length) box.appendChild(chipList(it.suggestions, "You could also ask"));
      return box;
    }
    function thanks(fb) {
      fb.textContent = "";
      var p = add(fb, h("p", { tabindex: "-1" }, "Thank you for your feedback.")).lastChild;
      return p;
    }
    function feedback(it) {
      var fb = h("div", { "class": "fb" });
      if (it.voted) { thanks(fb); return fb; }
      var up = h("button", { type: "button", "class": "vote", "aria-pressed": "false" });
      var down = h("button", { type: "button", "class": "vote", "aria-pressed": "false" });
      // 👍/👎 drawn as SVG: not every system has an emoji font.
      add(up, icon(THUMB, "ic"), h("span", { "class": "vh" }, "Yes, this helped"));
      add(down, icon(THUMB, "ic down"), h("span", { "class": "vh" }, "No, this did not help"));
      add(fb, h("p", null, "Was this helpful?"), up, down);
      function vote(v, reason) {
        var body = { site: site, feedback_id: it.feedback_id, vote: v };
        if (reason) body.reason = reason;  // "" = no reason given
        setError("");
        call(base, site, "POST", "/api/feedback", body).then(function () {
          it.voted = v; save();
          var had = fb.contains(root.activeElement);
          var p = thanks(fb);
          if (had) p.focus();
        }, problem);
      }
      up.addEventListener("click", function () { vote("up"); });
      down.addEventListener("click", function () {
        if (fb.querySelector("select")) return;
        down.setAttribute("aria-pressed", "true");
        var id = "pw-why-" + n + "-" + (++uid);
        var sel = h("select", { id: id });
        REASONS.forEach(function (r) { sel.appendChild(h("option", { value: r[0] }, r[1])); });
        var go = h("button", { type: "button", "class": "btn2" }, "Send feedback");
        add(fb, h("label", { "for": id }, "What was wrong?"), sel, go);
        go.addEventListener("click", function () { vote("down", sel.value); });
        sel.focus();
      });
      return fb;
    }
    function dropSuggestions() {
      Array.prototype.forEach.call(log.querySelectorAll(".asks"), function (a) { a.remove(); });
    }
    function showStarters() {
      starters.textContent = "";
      if (!items.length && cfg.starters && cfg.starters.length) starters.appendChild(chipList(cfg.starters, "Try asking"));
    }
    function redraw() {
      log.textContent = "";
      var last = -1;
      items.forEach(function (it, i) { if (it.role === "bot") last = i; });
      items.forEach(function (it, i) { log.appendChild(it.role === "user" ? userNode(it.text) : botNode(it, i === last)); });
      showStarters();
    }
    function toEnd() { scroller.scrollTop = scroller.scrollHeight; }

    function setError(m) { alert.textContent = m || ""; }
    function problem(p) {
      if (p.log) report(p.log);
      if (p.fatal) fatal = p;
      setError(p.message);
      showBubble();
    }
    // A widget that cannot work says so next to its button too, never a silent blank.
    function showBubble() {
      if (!bubble) return;
      var m = fatal ? fatal.message : startup;
      bubble.textContent = m || "";
      bubble.hidden = !m || !panel.hidden;
    }
    function showConfig() {
      title.textContent = cfg.name;
      greet.textContent = cfg.greeting;
      setTheme(themeCss(hexColour(cfg.colour) || DEFAULTS.colour));
      handoff.textContent = "";
      var ho = cfg.handoff;
      if (ho && typeof ho === "object") {
        var u = /^mailto:[^\s]+$/i.test(ho.url || "") ? ho.url : ho.url && href(ho.url);
        if (u) handoff.appendChild(h("a", /^mailto:/i.test(u) ? { href: u } : { href: u, target: "_blank", rel: "noopener" },
                                     ho.label || "Talk to an adviser"));
        var tel = String(ho.phone || "").replace(/[^\d+]/g, "");
        if (tel) {
          if (u) handoff.appendChild(doc.createTextNode(" or call "));
          else handoff.appendChild(doc.createTextNode((ho.label || "Talk to an adviser") + ": call "));
          handoff.appendChild(h("a", { href: "tel:" + tel }, String(ho.phone)));
        }
      }
      showStarters();
    }

    function ask(q) {
      q = String(q || "").trim();
      if (!q || busy || !alive) return;
      if (fatal) { setError(fatal.message); return; }
      busy = true;
      setError("");
      send.setAttribute("aria-disabled", "true");
      var history = turns();
      dropSuggestions();
      starters.textContent = "";
      var mine = userNode(q);
      log.appendChild(mine);
      status.textContent = "Thinking…";
      think.hidden = false;
      toEnd();
      var body = { message: q, history: history, level: cfg.level, site: site };
      if (cfg.borough) body.borough = cfg.borough;
      call(base, site, "POST", "/api/chat", body).then(function (r) {
        var it = { role: "bot", answer: String(r.answer || ""),
                   sources: (r.sources || []).map(function (s) { return { title: String(s.title || ""), url: String(s.url || "") }; }),
                   suggestions: (r.suggestions || []).map(String).slice(0, 4),
                   feedback_id: typeof r.feedback_id === "string" ? r.feedback_id : null };
        items.push({ role: "user", text: q }, it);
        save();
        var node = botNode(it, true);
        log.appendChild(node);  // the finished answer: added once, announced once
        scroller.scrollTop = node.offsetTop - 8;
      }, function (p) {
        mine.remove();
        if (!input.value) input.value = q;
        problem(p);
        showStarters();
      }).then(function () {
        busy = false;
        status.textContent = "";
        think.hidden = true;
        send.removeAttribute("aria-disabled");
      });
    }

    function clear() {
      items = [];
      try { sessionStorage.removeItem(key); } catch (e) { /* storage off */ }
      redraw();
      setError(fatal ? fatal.message : "");
      status.textContent = "Conversation cleared.";
      input.focus();
    }

    // ---- open, close, focus ----
    function focusables() {
      return Array.prototype.filter.call(
        panel.querySelectorAll("a[href],button,textarea,select,[tabindex]:not([tabindex='-1'])"),
        function (e) { return !e.disabled && e.getClientRects().length; });
    }
    function open(byUser) {
      if (!floating || !alive) return;
      panel.hidden = false;
      launcher.hidden = true;
      showBubble();
      if (site) loadConfig();
      launcher.setAttribute("aria-expanded", "true");
      modal = byUser !== false;
      if (modal) { panel.setAttribute("aria-modal", "true"); input.focus(); }
      toEnd();
    }
    function close() {
      if (!floating || panel.hidden) return;
      panel.hidden = true;
      panel.removeAttribute("aria-modal");
      modal = false;
      launcher.hidden = false;
      launcher.setAttribute("aria-expanded", "false");
      showBubble();
      launcher.focus();
    }

    if (floating) {
      launcher.addEventListener("click", function () { open(true); });
      closeBtn.addEventListener("click", close);
      panel.addEventListener("keydown", function (e) {
        if (e.key === "Escape" && !e.defaultPrevented) { e.preventDefault(); close(); return; }
        if (e.key !== "Tab" || !modal) return;
        var f = focusables(), first = f[0], last = f[f.length - 1], at = root.activeElement;
        if (e.shiftKey && (at === first || !panel.contains(at))) { e.preventDefault(); last.focus(); }
        else if (!e.shiftKey && (at === last || !panel.contains(at))) { e.preventDefault(); first.focus(); }
      });
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var q = input.value;
      if (busy || !q.trim()) return;
      input.value = "";
      ask(q);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event("submit", { cancelable: true }));
      }
    });
    wrap.addEventListener("click", function (e) {
      var b = e.target.closest && e.target.closest("[data-ask]");
      if (b) { input.focus(); ask(b.textContent); }
    });
    clearBtn.addEventListener("click", clear);
    function onCsp(e) {
      if (String(e.blockedURI || "").indexOf(base) === 0) {
        report("this page's Content-Security-Policy (" + e.violatedDirective + ") blocked " + e.blockedURI +
               ". Add " + base + " to its " + e.effectiveDirective + ".");
      }
    }
    doc.addEventListener("securitypolicyviolation", onCsp);

    redraw();  // a restored conversation is drawn before the log is in the page, so it is not announced
    showConfig();
    (target || doc.body).appendChild(host);

    if (!site) {
      problem({ message: "Sorry, this chat isn't set up yet.", fatal: true,
                log: "the script tag needs data-pathways-site=\"YOUR_SITE_ID\" (ask the Pathways team for your site id)." });
    } else if (!/^[a-z0-9-]{3,40}$/.test(site)) {
      problem({ message: "Sorry, this chat isn't set up yet.", fatal: true,
                log: "'" + site + "' is not a site id: use 3 to 40 lowercase letters, digits and hyphens." });
    } else {
      loadConfig();
    }
    // The site's settings; a failure that may pass (network, proxy) is tried again when the panel opens.
    function loadConfig() {
      if (loading || loaded || fatal) return;
      loading = true;
      call(base, site, "GET", "/api/sites/" + encodeURIComponent(site)).then(function (s) {
        loaded = true;
        startup = null;
        if (typeof s.name === "string") cfg.name = s.name;
        if (hexColour(s.colour)) cfg.colour = hexColour(s.colour);
        if (typeof s.greeting === "string" && s.greeting) cfg.greeting = s.greeting;
        if (LEVELS[s.level]) cfg.level = s.level;
        if (typeof s.borough === "string" && s.borough) cfg.borough = s.borough;
        if (s.starters instanceof Array) cfg.starters = s.starters.map(String).slice(0, 6);
        cfg.handoff = s.handoff && typeof s.handoff === "object" ? s.handoff : null;
        overlay();
        if (alive) { setError(""); showConfig(); showBubble(); }
      }, function (p) {
        startup = p.message;
        if (alive) problem(p);
      }).then(function () { loading = false; });
    }
    if (floating && o.open) open(false);

    return {
      element: host, root: root, open: function () { open(true); }, close: close, clear: clear, ask: ask,
      destroy: function () {
        alive = false;
        doc.removeEventListener("securitypolicyviolation", onCsp);
        host.remove();
      }
    };
  }

  function mount(element, options) {
    if (typeof element === "string") element = doc.querySelector(element);
    return create(element || null, options);
  }

  var api = W.PathwaysWidget;
  if (!api || typeof api.mount !== "function") api = W.PathwaysWidget = { mount: mount, version: VERSION };

  if (me && !me.hasAttribute("data-manual")) {
    var d = me.dataset;
    var opts = { site: me.getAttribute("data-pathways-site"), borough: d.borough, level: d.level, position: d.position,
                 colour: d.colour != null ? d.colour : d.color, greeting: d.greeting, open: d.open,
                 starters: d.starters, fill: d.fill, base: DEFAULT_BASE };
    var go = function () {
      var t = null;
      if (d.target) {
        try { t = doc.querySelector(d.target); } catch (e) { t = null; }
        if (!t) report("data-target '" + d.target + "' matches nothing on this page; showing the chat button instead.");
      }
      api.mount(t, opts);
    };
    if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", go); else go();
  }
})();
