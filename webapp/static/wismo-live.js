// Live updates for the demo dashboard: re-fetch the board every few seconds while "Live" is on.
// Without JavaScript the page refreshes itself through a <noscript> meta refresh instead.
(function () {
  "use strict";
  var board = document.getElementById("board");
  var toggle = document.getElementById("live-toggle");
  if (!board || !toggle || !window.fetch) return;
  var live = board.getAttribute("data-live") === "on";
  var last = null, timer = null;

  function paint() {
    toggle.classList.toggle("on", live);
    toggle.setAttribute("role", "button");
    toggle.setAttribute("aria-pressed", String(live));
    toggle.querySelector(".live-text").textContent = live ? "Live" : "Paused";
  }
  function refresh() {
    fetch(board.getAttribute("data-src"), { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) { if (html !== null && html !== last) { last = html; board.innerHTML = html; } })
      .catch(function () { /* the server restarts in demo; try again on the next tick */ });
  }
  function schedule() {
    clearInterval(timer);
    if (live) timer = setInterval(refresh, 3000);
  }
  toggle.addEventListener("click", function (event) {
    event.preventDefault();
    live = !live;
    history.replaceState(null, "", live ? location.pathname : "?live=0");
    paint(); schedule();
    if (live) refresh();
  });
  paint(); schedule();
})();
