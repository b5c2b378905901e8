// Pathways web chat: plain JS, no framework. Answers are inserted as text, never as HTML.
(function () {
  "use strict";
  var form = document.getElementById("ask");
  var input = document.getElementById("message");
  var level = document.getElementById("level");
  var log = document.getElementById("log");
  var errorBox = document.getElementById("error");
  var status = document.getElementById("status");
  var history = [];
  var busy = false;
  var P = window.Pathways || {};  // classroom.js: glossary terms and read aloud, if it loaded
  var classroom = document.getElementById("classroom");
  var contrast = document.getElementById("contrast");
  var showEarlier = document.getElementById("show-earlier");
  var starters = Array.prototype.map.call(document.querySelectorAll("#starters .chip"),
                                          function (b) { return b.textContent; });
  var suggestions = null;
  var LESSON = ["What jobs are there in a hospital?", "What does a porter do?", "Which jobs need no exams?",
                "What is an apprenticeship?"];
  var earlierOpen = false;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // `terms` is the glossary matcher for the answer's level (classroom.js); null leaves text unmarked.
  function addMessage(who, text, data, terms) {
    var box = el("div", "msg " + who);
    var label = el("span", "visually-hidden", who === "user" ? "You said: " : "Pathways: ");
    var seen = {};  // one explanation per term per answer
    function put(tag, line, parent) {
      var node = el(tag);
      if (terms && P.appendMarked) P.appendMarked(node, line, terms, seen);
      else node.textContent = line;
      parent.appendChild(node);
    }
    box.appendChild(label);
    // Lines stay in the answer's order; a run of "- " lines becomes one list.
    var ul = null;
    text.split("\n").forEach(function (l) {
      if (l.indexOf("- ") === 0) {
        if (!ul) { ul = el("ul"); box.appendChild(ul); }
        put("li", l.slice(2), ul);
      } else {
        ul = null;
        if (l.trim()) put("p", l, box);
      }
    });
    if (data && data.sources && data.sources.length) {
      var src = el("div", "msg-sources");
      src.appendChild(el("span", null, "Sources: "));
      data.sources.forEach(function (s, i) {
        var a = el("a", null, s.title);
        a.href = s.url;
        src.appendChild(a);
        if (i < data.sources.length - 1) src.appendChild(document.createTextNode(" · "));
      });
      box.appendChild(src);
    }
    if (who === "bot" && P.addReadAloud) P.addReadAloud(box, null, function (c) { box.appendChild(c); });
    log.appendChild(box);
    refreshEarlier();
    box.scrollIntoView({ block: "nearest" });
    if (data && data.suggestions) {
      suggestions = data.suggestions;
      if (!classroom.checked) showChips(suggestions);
    }
  }

  function showChips(items) {
    var chips = document.getElementById("starters");
    chips.textContent = "";
    items.forEach(function (q) {
      var b = el("button", "chip", q);
      b.type = "button";
      chips.appendChild(b);
    });
  }

  function ask(question) {
    question = question.trim();
    if (!question || busy) return;
    busy = true;
    errorBox.hidden = true;
    addMessage("user", question);
    status.textContent = "Finding an answer…";
    var asked = level.value;
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ message: question, history: history.slice(-20), level: asked })
    }).then(function (res) {
      return res.json().then(function (body) { return { ok: res.ok, body: body }; });
    }).then(function (r) {
      if (!r.ok) throw new Error(typeof r.body.detail === "string" ? r.body.detail : "Something went wrong.");
      history.push({ role: "user", content: question });
      history.push({ role: "assistant", content: r.body.answer.slice(0, 4000) });
      // Definitions at the level the answer was asked at; no glossary still shows the answer.
      var terms = P.glossary ? P.glossary(asked).catch(function () { return null; }) : null;
      return Promise.resolve(terms).then(function (m) {
        addMessage("bot", r.body.answer, r.body, m);
        status.textContent = "";
      });
    }).catch(function (err) {
      errorBox.textContent = "Sorry, that didn't work: " + err.message + " Please try again.";
      errorBox.hidden = false;
      status.textContent = "";
    }).finally(function () { busy = false; });
  }

  // ---- Classroom mode ----
  // Earlier messages stay in the log and in the accessibility tree; they are only clipped off screen
  // (not display:none), so toggling never adds or removes log content and screen readers do not
  // re-announce old answers. Their links and buttons leave the Tab order while they cannot be seen.
  function refreshEarlier() {
    var msgs = log.querySelectorAll(".msg");
    var cut = 0;
    if (classroom.checked) {
      msgs.forEach(function (m, i) { if (m.classList.contains("user")) cut = i; });
    }
    msgs.forEach(function (m, i) {
      var hide = i < cut && !earlierOpen;
      m.classList.toggle("earlier", hide);
      m.querySelectorAll("a, button").forEach(function (c) {
        if (hide) c.setAttribute("tabindex", "-1"); else c.removeAttribute("tabindex");
      });
    });
    showEarlier.hidden = cut === 0;
    showEarlier.textContent = earlierOpen ? "Hide earlier messages" : "Show earlier messages (" + cut + ")";
  }

  function store(key, on) {
    try { localStorage.setItem(key, on ? "1" : "0"); } catch (e) { /* private mode: just not kept */ }
  }
  function stored(key) {
    try { return localStorage.getItem(key) === "1"; } catch (e) { return false; }
  }

  function applyClassroom() {
    var on = classroom.checked;
    document.body.classList.toggle("classroom", on);
    document.body.classList.toggle("contrast", on && contrast.checked);
    document.getElementById("contrast-option").hidden = !on;
    if (!on) earlierOpen = false;
    showChips(on ? LESSON : (suggestions || starters));
    refreshEarlier();
    store("pathways.classroom", on);
    store("pathways.contrast", contrast.checked);
  }

  classroom.checked = stored("pathways.classroom");
  contrast.checked = stored("pathways.contrast");
  classroom.addEventListener("change", applyClassroom);
  contrast.addEventListener("change", applyClassroom);
  showEarlier.addEventListener("click", function () {
    earlierOpen = !earlierOpen;
    refreshEarlier();
  });
  applyClassroom();
  if (P.glossary) P.glossary(level.value);  // fetched early so the first answer is not kept waiting

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    input.value = "";
    ask(q);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("starters").addEventListener("click", function (e) {
    if (e.target.classList.contains("chip")) ask(e.target.textContent);
  });
  var about = new URLSearchParams(window.location.search).get("about");
  if (about && /^[a-z0-9-]{1,80}$/.test(about)) {
    fetch("/api/roles/" + about).then(function (r) { return r.ok ? r.json() : null; }).then(function (role) {
      if (role) { input.value = "Tell me about being a " + role.title.toLowerCase(); input.focus(); }
    });
  }
})();
