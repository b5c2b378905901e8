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

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function addMessage(who, text, data) {
    var box = el("div", "msg " + who);
    var label = el("span", "visually-hidden", who === "user" ? "You said: " : "Pathways: ");
    box.appendChild(label);
    text.split(/\n{2,}/).forEach(function (para) {
      var lines = para.split("\n");
      var bullets = lines.filter(function (l) { return l.indexOf("- ") === 0; });
      var intro = lines.filter(function (l) { return l.indexOf("- ") !== 0; });
      intro.forEach(function (l) { if (l.trim()) box.appendChild(el("p", null, l)); });
      if (bullets.length) {
        var ul = el("ul");
        bullets.forEach(function (b) { ul.appendChild(el("li", null, b.slice(2))); });
        box.appendChild(ul);
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
    log.appendChild(box);
    box.scrollIntoView({ block: "nearest" });
    if (data && data.suggestions) showChips(data.suggestions);
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
    fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ message: question, history: history.slice(-20), level: level.value })
    }).then(function (res) {
      return res.json().then(function (body) { return { ok: res.ok, body: body }; });
    }).then(function (r) {
      if (!r.ok) throw new Error(typeof r.body.detail === "string" ? r.body.detail : "Something went wrong.");
      history.push({ role: "user", content: question });
      history.push({ role: "assistant", content: r.body.answer.slice(0, 4000) });
      addMessage("bot", r.body.answer, r.body);
      status.textContent = "";
    }).catch(function (err) {
      errorBox.textContent = "Sorry, that didn't work: " + err.message + " Please try again.";
      errorBox.hidden = false;
      status.textContent = "";
    }).finally(function () { busy = false; });
  }

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
