// Role explorer: live filter updates without losing keyboard focus. The page works without this:
// the form submits normally and the URL holds every filter, so links can be shared.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) return;
  var live = document.getElementById("live");
  var pending = null;

  function url() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) { if (value !== "") params.append(key, value); });
    var query = params.toString();
    return "/roles" + (query ? "?" + query : "");
  }

  function refresh() {
    var target = url();
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(target, { headers: { Accept: "text/html" }, signal: pending.signal })
      .then(function (res) { return res.text(); })
      .then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        var fresh = doc.getElementById("results");
        if (!fresh) return;
        document.getElementById("results").replaceWith(fresh);
        // Only the counts change in the form, so focus and open sections stay where they were.
        doc.querySelectorAll(".count").forEach(function (span) {
          var mine = document.getElementById(span.id);
          if (mine) mine.textContent = span.textContent;
        });
        form.querySelectorAll(".count").forEach(function (span) {
          if (!doc.getElementById(span.id)) span.textContent = "(0)";
        });
        history.replaceState(null, "", target);
        live.textContent = fresh.querySelector("#result-count").textContent.trim();
      })
      .catch(function (err) { if (err.name !== "AbortError") form.submit(); });
  }

  form.addEventListener("change", function (e) {
    if (e.target.name !== "q") refresh();
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); refresh(); });
})();
