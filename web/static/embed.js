// /embed: builds the widget's one <script> tag (and the iframe fallback) from the form, and previews
// the real widget with the same options. Plain JS; code is shown as text, never parsed as HTML.
(function () {
  "use strict";
  var form = document.getElementById("embed-form");
  if (!form) return;
  var $ = function (id) { return document.getElementById(id); };
  var site = $("e-site"), borough = $("e-borough"), level = $("e-level"), position = $("e-position"),
      target = $("e-target"), colour = $("e-colour"), greeting = $("e-greeting"), starters = $("e-starters"),
      open = $("e-open"), code = $("e-code"), iframe = $("e-iframe"), preview = $("e-preview"), copied = $("e-copied");
  var widgetScript = document.querySelector("script[data-manual]");
  var src = widgetScript ? widgetScript.src : location.origin + "/widget.js";
  var host = new URL(src).origin;
  var current = null, timer = null;

  // The few layout rules this page needs, as a constructed sheet (the page's CSP allows no <style>).
  try {
    var sheet = new CSSStyleSheet();
    sheet.replaceSync(
      ".embed-code{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;padding:.75rem;" +
      "border:1px solid #768692;border-radius:4px;font-size:.9375rem}" +
      ".embed-form input[type=text],.embed-form textarea{width:100%;display:block;margin-bottom:.5rem}" +
      ".embed-form textarea{font:inherit;padding:.5rem;border:2px solid #1d1d1b;border-radius:4px}" +
      ".embed-form input[type=color]{width:5rem;min-height:44px;display:block;margin-bottom:.5rem}" +
      ".embed-form select{min-height:44px}" +
      ".embed-preview{min-height:200px;background:#fff;border:2px dashed #768692;border-radius:8px;margin-bottom:2rem}");
    document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
  } catch (e) { /* older browser: plain layout */ }

  function chosen() { return site.options[site.selectedIndex]; }
  function lines(text) {
    return text.split("\n").map(function (s) { return s.replace(/\|/g, "/").trim(); }).filter(Boolean).slice(0, 6);
  }
  function attr(v) { return String(v).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;"); }
  function inline() { return form.elements.mode.value === "inline"; }
  function targetId() { var t = target.value.trim(); return /^[A-Za-z][\w-]{0,60}$/.test(t) ? t : "pathways-chat"; }

  // Site defaults fill the form when the site changes; only choices that differ go into the tag.
  function loadSite() {
    var o = chosen().dataset;
    colour.value = o.colour || "#005eb8";
    greeting.value = o.greeting || "";
    starters.value = (o.starters || "").split("|").filter(Boolean).join("\n");
    borough.options[0].textContent = "The site's default" + (o.borough ? " (" + o.borough + ")" : "");
  }

  function options() {
    var o = chosen().dataset, r = { site: site.value };
    if (borough.value) r.borough = borough.value;
    if (level.value && level.value !== o.level) r.level = level.value;
    if (!inline() && position.value !== "bottom-right") r.position = position.value;
    if (colour.value.toLowerCase() !== (o.colour || "").toLowerCase()) r.colour = colour.value.toLowerCase();
    if (greeting.value.trim() && greeting.value.trim() !== o.greeting) r.greeting = greeting.value.trim();
    var st = lines(starters.value).join("|");
    if (st && st !== o.starters) r.starters = st;
    if (!inline() && open.checked) r.open = "true";
    return r;
  }

  function render() {
    var o = options(), tag = '<script src="' + attr(src) + '" data-pathways-site="' + attr(o.site) + '"';
    ["borough", "level", "position", "colour", "greeting", "starters", "open"].forEach(function (k) {
      if (o[k] != null) tag += " data-" + k + '="' + attr(o[k]) + '"';
    });
    if (inline()) tag += ' data-target="#' + targetId() + '"';
    tag += " async></script>";
    code.textContent = (inline() ? '<div id="' + targetId() + '"></div>\n' : "") + tag;
    var q = "site=" + encodeURIComponent(o.site) + (o.level ? "&level=" + o.level : "") +
            (o.borough ? "&borough=" + encodeURIComponent(o.borough) : "");
    iframe.textContent = '<iframe src="' + attr(host + "/embed/frame?" + q) +
                         '" title="Pathways careers chat" width="100%" height="640"></iframe>';
    position.disabled = inline();
    target.disabled = !inline();
    open.disabled = inline();
    mountPreview(o);
  }

  function mountPreview(o) {
    var W = window.PathwaysWidget;
    if (!W) {
      preview.textContent = "The preview could not load the widget from " + src + ".";
      return;
    }
    if (current) current.destroy();
    preview.textContent = "";
    var opts = { site: o.site, borough: o.borough, level: o.level, position: o.position, colour: o.colour,
                 greeting: o.greeting, starters: o.starters, open: o.open, floating: !inline() };
    current = W.mount(preview, opts);
  }

  function later() { clearTimeout(timer); timer = setTimeout(render, 400); }

  function copy(e) {
    var from = $(e.target.getAttribute("data-copy"));
    var text = from.textContent;
    function done(msg) { copied.textContent = msg; }
    function select() {
      var range = document.createRange();
      range.selectNodeContents(from);
      var s = window.getSelection(); s.removeAllRanges(); s.addRange(range);
      done("The code is selected: press Ctrl+C (or ⌘+C) to copy it.");
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done("Copied. Paste it into your page."); }, select);
    } else select();
  }

  site.addEventListener("change", function () { loadSite(); render(); });
  form.addEventListener("change", function (e) { if (e.target !== site) render(); });
  form.addEventListener("input", function (e) { if (e.target.type === "text" || e.target.tagName === "TEXTAREA") later(); });
  form.addEventListener("submit", function (e) { e.preventDefault(); render(); });
  $("e-copy").addEventListener("click", copy);
  $("e-copy-iframe").addEventListener("click", copy);
  loadSite();
  render();
})();
