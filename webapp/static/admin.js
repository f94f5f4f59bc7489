// Wismo admin: the message editor's live preview. No framework, no CDN.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form || !form.dataset.preview) return;
  var timer = null;
  var seq = 0;
  function show(data) {
    var err = document.getElementById("live-error");
    if (data.error) {
      err.hidden = false;
      var line = err.dataset.line || "Line %(n)s: ";
      var where = data.error.line ? line.replace("%(n)s", data.error.line) : "";
      err.textContent = where + data.error.message;
      return;
    }
    err.hidden = true;
    err.textContent = "";
    var subject = document.getElementById("preview-subject");
    if (subject) subject.textContent = data.subject || "";
    var frame = document.getElementById("preview-html");
    if (frame) frame.srcdoc = data.html || "";
    var text = document.getElementById("preview-text");
    if (text) text.textContent = data.text || "";
    var info = document.getElementById("sms-info");
    if (info && data.sms) {
      info.textContent = data.sms.summary;
    }
  }
  function refresh() {
    var mine = ++seq;
    fetch(form.dataset.preview, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"X-Requested-With": "fetch"}
    }).then(function (r) { return r.json(); }).then(function (data) {
      if (mine === seq) { show(data); form.dataset.previewed = String(mine); }
    });
  }
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  });
})();

// Settings: show the fields of the provider picked for a channel.
(function () {
  "use strict";
  document.querySelectorAll("select.provider-pick").forEach(function (select) {
    var box = select.closest("form");
    function sync() {
      box.querySelectorAll("[data-provider]").forEach(function (div) {
        div.hidden = div.dataset.provider !== select.value;
      });
    }
    select.addEventListener("change", sync);
    sync();
  });
})();

// Settings: "No quiet hours" hides the two times it makes irrelevant.
(function () {
  "use strict";
  var box = document.getElementById("no-quiet");
  if (!box) return;
  function sync() {
    document.querySelectorAll("input.quiet-time").forEach(function (input) {
      input.disabled = box.checked;
      input.closest("label").hidden = box.checked;
    });
  }
  box.addEventListener("change", sync);
  sync();
})();
