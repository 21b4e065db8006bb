// Idle-session warning (SPEC T2): two minutes before the server ends an idle session, offer to extend it.
(function () {
  "use strict";
  var body = document.body;
  var seconds = parseInt(body.getAttribute("data-idle-seconds") || "", 10);
  if (!isNaN(seconds)) {
    var deadline = Date.now() + seconds * 1000;
    var warning = document.getElementById("idle-warning");
    var remaining = document.getElementById("idle-remaining");
    var form = document.getElementById("idle-extend-form");
    var tick = function () {
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      if (left <= 120 && warning) {
        remaining.textContent = Math.floor(left / 60) + ":" + ("0" + (left % 60)).slice(-2);
        if (warning.hidden) {
          // Shown once, then only the countdown changes (not re-announced every second). Focus goes to
          // the button, so keyboard and screen-reader users can extend at once (WCAG 2.2.1).
          warning.hidden = false;
          var extend = document.getElementById("idle-extend");
          if (extend) { extend.focus(); }
        }
      }
      if (left === 0) { window.location.href = "/signin?expired=1"; return; }
      window.setTimeout(tick, 1000);
    };
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var data = new URLSearchParams(new FormData(form));
        fetch("/session/extend", { method: "POST", body: data, credentials: "same-origin",
                                   headers: { "Accept": "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (j) { deadline = Date.now() + j.remainingSeconds * 1000; warning.hidden = true; })
          .catch(function () { window.location.reload(); });
      });
    }
    tick();
  }
  // Move focus to the error summary so keyboard and screen-reader users hear what to fix (WCAG 3.3.1).
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
  // Confirmation before submissions with legal effect (SPEC T7).
  Array.prototype.forEach.call(document.querySelectorAll("form[data-confirm]"), function (f) {
    f.addEventListener("submit", function (event) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { event.preventDefault(); }
    });
  });
})();
