// Classroom tools shared by every page: glossary-term disclosures and "Read aloud". Plain JS, no
// framework. Text from the server is only ever set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var P = window.Pathways = window.Pathways || {};

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // ---- Glossary terms -------------------------------------------------------------------------
  // Markup (the pages render the same from the server):
  //   <span class="term-wrap"><button class="term" aria-expanded aria-controls=ID>word</button>
  //   <span class="term-def" id=ID hidden>definition</span></span>
  // A definition shows while the word is hovered or focused, stays open after a click/Enter/Space
  // ("pinned"), and Esc hides it without moving focus (WCAG 1.4.13). aria-expanded always says
  // whether it is showing.
  function defOf(btn) { return document.getElementById(btn.getAttribute("aria-controls")); }

  function update(btn) {
    var def = defOf(btn);
    if (!def) return;
    var d = btn.dataset;
    var open = !d.dismissed && !!(d.pinned || d.hover || d.focus);
    btn.setAttribute("aria-expanded", String(open));
    def.hidden = !open;
    if (open) keepOnScreen(def);
  }

  // The bubble hangs below its word; near the right edge, shift it left so the page never scrolls
  // sideways on a phone (CSSOM styles are allowed under the CSP; style attributes are not).
  function keepOnScreen(def) {
    def.style.left = "";
    var overflow = def.getBoundingClientRect().right - (document.documentElement.clientWidth - 8);
    if (overflow > 0) def.style.left = -overflow + "px";
  }

  function closeAll(except) {
    document.querySelectorAll("button.term[aria-expanded=true], button.term[data-pinned]").forEach(function (b) {
      if (b === except) return;
      delete b.dataset.pinned;
      b.dataset.dismissed = "1";
      update(b);
    });
  }

  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("button.term");
    if (!btn) {
      if (!(e.target.closest && e.target.closest(".term-wrap"))) closeAll();
      return;
    }
    if (btn.dataset.pinned) {  // second press closes, even while the pointer is still on the word
      delete btn.dataset.pinned;
      btn.dataset.dismissed = "1";
    } else {
      closeAll(btn);
      btn.dataset.pinned = "1";
      delete btn.dataset.dismissed;
    }
    update(btn);
  });

  function hoverOrFocus(flag, on) {
    return function (e) {
      var wrap = e.target.closest && e.target.closest(".term-wrap");
      if (!wrap || (e.relatedTarget && wrap.contains(e.relatedTarget))) return;
      var btn = wrap.querySelector("button.term");
      if (!btn) return;
      if (on) { btn.dataset[flag] = "1"; delete btn.dataset.dismissed; }
      else {
        delete btn.dataset[flag];
        if (flag === "focus") delete btn.dataset.pinned;  // moving on closes it
      }
      update(btn);
    };
  }
  document.addEventListener("mouseover", hoverOrFocus("hover", true));
  document.addEventListener("mouseout", hoverOrFocus("hover", false));
  document.addEventListener("focusin", hoverOrFocus("focus", true));
  document.addEventListener("focusout", hoverOrFocus("focus", false));
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") closeAll();
  });

  // The same disclosure built with DOM methods, for text the chat inserts.
  var made = 0;
  function termNode(said, definition) {
    var id = "chat-term-" + (++made);
    var wrap = el("span", "term-wrap");
    var btn = el("button", "term", said);
    btn.type = "button";
    btn.setAttribute("aria-expanded", "false");
    btn.setAttribute("aria-controls", id);
    var def = el("span", "term-def", definition);
    def.id = id;
    def.hidden = true;
    wrap.appendChild(btn);
    wrap.appendChild(def);
    return wrap;
  }

  // Mirrors service/glossary_marks.py: every name in one pattern, longest first; short all-capital
  // names ("OT") count only when written in capitals; each term is marked once per `seen` set.
  function matcher(glossary) {
    var byName = {}, acronyms = {};
    glossary.terms.forEach(function (t) {
      [t.term].concat(t.also || []).forEach(function (name) {
        var key = name.toLowerCase();
        if (name.length < 2) return;
        if (!(key in byName)) byName[key] = t;
        if (name.length <= 4 && name === name.toUpperCase() && name !== name.toLowerCase()) acronyms[key] = true;
      });
    });
    var names = Object.keys(byName).sort(function (a, b) { return b.length - a.length; });
    if (!names.length) return null;
    var escaped = names.map(function (n) { return n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    return { byName: byName, acronyms: acronyms,
             source: "(?<![\\w-])(" + escaped.join("|") + ")(?![\\w-])" };
  }

  // Append `text` to `parent`, with the first mention of each glossary term as a disclosure.
  P.appendMarked = function (parent, text, m, seen) {
    if (!m) { parent.appendChild(document.createTextNode(text)); return; }
    var re = new RegExp(m.source, "gi"), pos = 0, found;
    while ((found = re.exec(text)) !== null) {
      var said = found[1], key = said.toLowerCase(), term = m.byName[key];
      if (m.acronyms[key] && said !== said.toUpperCase()) continue;
      if (!term || seen[term.term]) continue;
      seen[term.term] = true;
      parent.appendChild(document.createTextNode(text.slice(pos, found.index)));
      parent.appendChild(termNode(said, term.definition));
      pos = found.index + said.length;
    }
    parent.appendChild(document.createTextNode(text.slice(pos)));
  };

  // One fetch per reading level; a failed fetch just means answers are shown unmarked.
  var glossaries = {};
  P.glossary = function (level) {
    if (!glossaries[level]) {
      glossaries[level] = fetch("/api/glossary?level=" + encodeURIComponent(level))
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (g) { return g ? matcher(g) : null; })
        .catch(function () { delete glossaries[level]; return null; });
    }
    return glossaries[level];
  };

  // ---- Read aloud -----------------------------------------------------------------------------
  var speech = window.speechSynthesis;
  var canSpeak = !!(speech && typeof speech.speak === "function" &&
                    typeof window.SpeechSynthesisUtterance === "function");
  var canHighlight = !!(window.CSS && CSS.highlights && typeof window.Highlight === "function");
  var SKIP = ".read-controls, .term-def, details.words, .visually-hidden, .msg-sources, nav, [hidden]";
  var BLOCK = "p, li, h1, h2, h3, dt, dd, td, th, caption, ul, ol, section, div";
  var current = null;  // {controls, stop}

  // The section's words as one string, plus where each text node starts in it, so a boundary
  // event's character index can be turned back into a DOM range for the highlight.
  function readable(root) {
    var text = "", parts = [], lastBlock = null;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentElement.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      var block = n.parentElement.closest(BLOCK);
      if (block !== lastBlock && text.trim()) {
        // A pause between headings, list items and paragraphs that have no full stop of their own.
        text = text.replace(/\s+$/, "") + (/[.!?:;]$/.test(text.trim()) ? "\n" : ".\n");
      }
      lastBlock = block;
      parts.push({ node: n, start: text.length });
      text += n.data;
    }
    return { text: text, parts: parts };
  }

  function highlight(map, index, length) {
    if (!canHighlight) return;
    index += map.lead;
    if (!length) {
      var word = /^\S+/.exec(map.text.slice(index));
      length = word ? word[0].length : 0;
    }
    for (var i = map.parts.length - 1; i >= 0; i--) {
      var part = map.parts[i];
      if (part.start <= index) {
        var from = index - part.start, to = Math.min(from + length, part.node.data.length);
        if (from >= part.node.data.length) return;
        var range = new Range();
        range.setStart(part.node, from);
        range.setEnd(part.node, to);
        CSS.highlights.set("read-aloud", new Highlight(range));
        return;
      }
    }
  }

  function finish() {
    if (canHighlight) CSS.highlights.delete("read-aloud");
    if (current) current.stop.hidden = true;
    current = null;
  }

  function read(target, controls, rate) {
    speech.cancel();
    finish();
    var map = readable(target);
    var spoken = map.text.trim();
    if (!spoken) return;
    map.lead = map.text.length - map.text.replace(/^\s+/, "").length;  // boundary indexes count from here
    var u = new SpeechSynthesisUtterance(spoken);
    u.lang = document.documentElement.lang || "en-GB";
    u.rate = rate;
    u.onboundary = function (e) { if (e.name !== "sentence") highlight(map, e.charIndex, e.charLength); };
    var me = { stop: controls.querySelector(".read-stop") };
    u.onend = u.onerror = function () { if (current === me) finish(); };
    current = me;
    me.stop.hidden = false;
    speech.speak(u);
  }

  function button(text, cls, label) {
    var b = el("button", "read-button " + cls, text);
    b.type = "button";
    if (label) b.setAttribute("aria-label", label);
    return b;
  }

  // Controls for one piece of text: normal speed, slower (rate 0.7) and Stop. Nothing is added
  // where the browser cannot speak, so there is never a button that does nothing.
  P.addReadAloud = function (target, name, place) {
    if (!canSpeak) return null;
    var controls = el("div", "read-controls");
    var suffix = name ? ": " + name : "";
    var normal = button("Read aloud", "read-normal", name ? "Read aloud" + suffix : null);
    var slow = button("Slower", "read-slow", name ? "Slower" + suffix : null);
    var stop = button("Stop", "read-stop");
    stop.hidden = true;
    normal.addEventListener("click", function () { read(target, controls, 1); });
    slow.addEventListener("click", function () { read(target, controls, 0.7); });
    stop.addEventListener("click", function () { speech.cancel(); finish(); });
    controls.appendChild(normal);
    controls.appendChild(slow);
    controls.appendChild(stop);
    (place || function (c) { target.insertBefore(c, target.firstChild); })(controls);
    return controls;
  };

  document.querySelectorAll("[data-read]").forEach(function (section) {
    P.addReadAloud(section, section.getAttribute("data-read"), function (c) {
      var first = section.firstElementChild;
      if (first && /^H[1-6]$/.test(first.tagName)) first.after(c);
      else section.insertBefore(c, section.firstChild);
    });
  });
  window.addEventListener("pagehide", function () { if (canSpeak) speech.cancel(); });
})();
