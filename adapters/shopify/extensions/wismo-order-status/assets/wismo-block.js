/* Wismo theme blocks: ask the app proxy for the widget's settings, then start the widget.
   The proxy (signed by Shopify) returns {shop, widget_url, locale, token?}; with a token
   the widget shows that order, without one its lookup form. See docs/shopify.md. */
(function () {
  "use strict";
  var started = false;
  function load(src) {
    if (started || !/^https:\/\//.test(src) && !/^http:\/\/(localhost|127\.0\.0\.1)/.test(src)) return;
    started = true;
    var s = document.createElement("script");
    s.src = src;
    s.async = true;
    document.head.appendChild(s);
  }
  function init(block) {
    var widget = block.querySelector(".wismo-widget");
    var url = block.getAttribute("data-wismo-config");
    if (!widget || !url || block.getAttribute("data-wismo-ready")) return;
    block.setAttribute("data-wismo-ready", "1");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (config) {
        if (config.token) widget.setAttribute("data-token", config.token);
        else widget.setAttribute("data-shop", config.shop);
        if (config.locale && !widget.getAttribute("data-locale")) {
          widget.setAttribute("data-locale", config.locale);
        }
        load(config.widget_url);
      })
      .catch(function () { /* the fallback link stays: the proxy page works without us */ });
  }
  function all() {
    var blocks = document.querySelectorAll(".wismo-block[data-wismo-config]");
    for (var i = 0; i < blocks.length; i++) init(blocks[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", all);
  else all();
  document.addEventListener("shopify:section:load", all);
})();
