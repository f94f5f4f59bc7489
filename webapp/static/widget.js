/* Wismo storefront widget: <div class="wismo-widget" data-token="..." data-locale="uk"></div>
   <script src="https://WISMO/widget.js" async></script>
   data-token: an order the shop signed; data-shop: the lookup form; data-accent, data-title:
   theming. data-mode="promise" with data-shop (and data-carrier, data-country): the delivery
   date before purchase, for product and cart pages ("Order within 2 hr 15 min, get it ..."). Plain JS, no dependencies; drawn in a Shadow DOM so the theme's CSS cannot reach
   it; every value is set as text, never as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script && script.src ? script.src.replace(/\/widget\.js(\?.*)?$/, "") : "";
  var T = {
    en: { title: "Your order", number: "Order number", contact: "Email or phone", find: "Show my order",
      loading: "Loading\u2026", notFound: "We could not find an order with these details. Please check the order number and the email or phone you ordered with.",
      tooMany: "Too many attempts. Please wait a few minutes and try again.", error: "Order status is unavailable right now. Please try again later.",
      edd: "Estimated delivery", track: "Track on the carrier's site", full: "Open the full tracking page", history: "History",
      tn: "Tracking number", pickup: "Pickup point", hours: "Opening hours", window: "Courier arrives", again: "Look up another order", order: "Order",
      pending: "We have your order. Its live status will appear here in a minute.", delivery: "Delivery",
      unknown: "Live status isn\u2019t available for this order. Its details on this page are up to date; if you have a question, please contact us." },
    ru: { title: "Ваш заказ", number: "Номер заказа", contact: "Email или телефон", find: "Показать заказ",
      loading: "Загрузка\u2026", notFound: "Не удалось найти заказ с такими данными. Проверьте номер заказа и email или телефон, указанные при оформлении.",
      tooMany: "Слишком много попыток. Подождите несколько минут и попробуйте снова.", error: "Статус заказа сейчас недоступен. Попробуйте позже.",
      edd: "Ожидаемая доставка", track: "Отследить на сайте перевозчика", full: "Открыть страницу отслеживания", history: "История",
      tn: "Номер отслеживания", pickup: "Пункт выдачи", hours: "Часы работы", window: "Курьер приедет", again: "Найти другой заказ", order: "Заказ",
      pending: "Мы получили ваш заказ. Его статус появится здесь через минуту.", delivery: "Доставка",
      unknown: "Для этого заказа отслеживание в реальном времени недоступно. Данные на этой странице актуальны; если у вас есть вопрос, свяжитесь с нами." },
    uk: { title: "Ваше замовлення", number: "Номер замовлення", contact: "Email або телефон", find: "Показати замовлення",
      loading: "Завантаження\u2026", notFound: "Не вдалося знайти замовлення з такими даними. Перевірте номер замовлення та email або телефон, вказані під час оформлення.",
      tooMany: "Забагато спроб. Зачекайте кілька хвилин і спробуйте знову.", error: "Статус замовлення зараз недоступний. Спробуйте пізніше.",
      edd: "Орієнтовна доставка", track: "Відстежити на сайті перевізника", full: "Відкрити сторінку відстеження", history: "Історія",
      tn: "Номер відстеження", pickup: "Пункт видачі", hours: "Години роботи", window: "Кур\u2019єр приїде", again: "Знайти інше замовлення", order: "Замовлення",
      pending: "Ми отримали ваше замовлення. Його статус з\u2019явиться тут за хвилину.", delivery: "Доставка",
      unknown: "Для цього замовлення відстеження в реальному часі недоступне. Дані на цій сторінці актуальні; якщо маєте запитання, зв\u2019яжіться з нами." }
  };
  var CSS = ":host{all:initial!important;display:block!important;visibility:visible!important;opacity:1!important;position:static!important}" +
    "*{box-sizing:border-box}" +
    ".w{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#111827;background:#fff;border:1px solid #d1d5db;border-radius:12px;padding:16px;max-width:560px}" +
    "h2{font-size:17px;margin:0 0 8px}h3{font-size:19px;margin:4px 0;color:var(--a)}p{margin:4px 0}" +
    ".m{color:#4b5563;font-size:13px}.k{font-weight:600}.al{border:1px solid #b45309;border-radius:8px;padding:8px;margin:8px 0;color:#92400e}" +
    "label{display:block;font-weight:600;font-size:14px;margin:8px 0 4px}" +
    "input{font:inherit;width:100%;padding:9px;border:1px solid #6b7280;border-radius:8px;color:#111827;background:#fff}" +
    "button{font:inherit;font-weight:600;margin-top:12px;padding:10px 16px;border:0;border-radius:8px;background:var(--a);color:#fff;cursor:pointer}" +
    "button.l{background:none;color:var(--a);padding:0;text-decoration:underline}" +
    "a{color:var(--a)}:focus-visible{outline:3px solid var(--a);outline-offset:2px}" +
    "ol,ul{margin:6px 0;padding-left:18px}li{margin:3px 0}.e{color:#b91c1c}.s{border-top:1px solid #e5e7eb;margin-top:10px;padding-top:8px}" +
    ".w.p{display:flex;gap:10px;align-items:center;padding:10px 12px;border-color:var(--a)}.p svg{flex:none;color:var(--a)}.p p{margin:0;font-weight:600}";
  var TRUCK = "M3 6h11v9H3zM14 9h4l3 3v3h-7zM7 18.5a1.5 1.5 0 1 1-3 0 1.5 1.5 0 0 1 3 0zM19 18.5a1.5 1.5 0 1 1-3 0 1.5 1.5 0 0 1 3 0z";

  function lang(el) {
    var l = (el.getAttribute("data-locale") || document.documentElement.lang || navigator.language || "en").slice(0, 2).toLowerCase();
    return l === "ua" ? "uk" : T[l] ? l : "en";
  }
  function h(tag, text, attrs) {
    var e = document.createElement(tag);
    if (text != null) e.textContent = String(text);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }
  function safe(url) { return /^https?:\/\//i.test(url || "") ? url : null; }
  function when(iso, l) {
    try { return new Date(iso).toLocaleString(l, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }); }
    catch (e) { return iso; }
  }

  function mount(el) {
    if (el.__wismo) return;
    el.__wismo = 1;
    var root = el.attachShadow ? el.attachShadow({ mode: "open" }) : el;
    var fixed = el.getAttribute("data-locale"), l = lang(el), t = T[l];
    var accent = el.getAttribute("data-accent") || "";
    var style = h("style", CSS.replace(":host{", ":host{--a:" + (/^#[0-9a-f]{3,8}$/i.test(accent) ? accent : "#0f766e") + ";"));
    var box = h("section", null, { "class": "w", "aria-live": "polite", lang: l });
    box.setAttribute("aria-label", el.getAttribute("data-title") || t.title);
    root.appendChild(style);
    root.appendChild(box);
    var token = el.getAttribute("data-token"), shop = el.getAttribute("data-shop");

    function clear() { while (box.firstChild) box.removeChild(box.firstChild); box.appendChild(h("h2", el.getAttribute("data-title") || t.title)); }
    function fail(msg) { clear(); box.appendChild(h("p", msg, { "class": "e", role: "alert" })); }
    function say(msg) { clear(); box.appendChild(h("p", msg)); }

    function show(o, moved) {
      if (!fixed && T[o.locale]) { l = o.locale; t = T[l]; box.setAttribute("lang", l); } // the order's language
      clear();
      box.appendChild(h("p", t.order + " " + o.number, { "class": "m" }));
      var st = h("h3", o.status_label, { tabindex: "-1" });
      box.appendChild(st);
      if (o.description) box.appendChild(h("p", o.description));
      if (o.overlay) {
        var al = h("div", null, { "class": "al", role: "status" });
        al.appendChild(h("strong", o.overlay.label));
        if (o.overlay.reason) al.appendChild(h("p", o.overlay.reason));
        box.appendChild(al);
      }
      // waiting at a pickup point, the day that matters is its last one (under the parcel), as on the page
      if (o.estimated_delivery_text && o.status !== "ready_for_pickup") box.appendChild(h("p", t.edd + ": " + o.estimated_delivery_text));
      (o.shipments || []).forEach(function (p) {
        var s = h("div", null, { "class": "s" });
        var sl = o.shipments.length > 1 || p.status_label !== o.status_label ? p.status_label : ""; // no echo of the heading
        if (p.carrier || sl) s.appendChild(h("p", [p.carrier, sl].filter(Boolean).join(" \u00b7 ")));
        if (p.tracking_number) s.appendChild(h("p", t.tn + ": " + p.tracking_number, { "class": "m" }));
        var pp = p.pickup_point, dw = p.delivery_window;
        if (dw && dw.text) s.appendChild(h("p", t.window + ": " + dw.text, { "class": "k" }));
        if (pp) {
          s.appendChild(h("p", t.pickup + ": " + [pp.name, pp.address].filter(Boolean).join(", ")));
          if (pp.hours) s.appendChild(h("p", t.hours + ": " + pp.hours, { "class": "m" }));
          if (pp.keep_until_text) s.appendChild(h("p", pp.keep_until_text, { "class": "k" })); // "Pick up by 8 Dec"
        }
        if ((p.scans || []).length) { // the carrier's latest scans, newest first, as text
          var sl2 = s.appendChild(h("ul", null, { "class": "m" }));
          p.scans.forEach(function (c) { sl2.appendChild(h("li", [c.at_text || when(c.at, l), c.label, c.words, c.place].filter(Boolean).join(" \u00b7 "))); });
        }
        if (safe(p.tracking_url)) s.appendChild(h("a", t.track, { href: p.tracking_url, target: "_blank", rel: "noopener noreferrer" }));
        box.appendChild(s);
      });
      if ((o.timeline || []).length) {
        var sec = h("div", null, { "class": "s" });
        sec.appendChild(h("p", t.history, { "class": "m" }));
        var ol = h("ol");
        o.timeline.forEach(function (e) { // times in the shopper's zone, else the shop's: as on the page
          ol.appendChild(h("li", (e.parcel_label ? e.parcel_label + ": " : "") + e.label + " \u2014 " + (e.at_text || when(e.at, l))));
        });
        sec.appendChild(ol);
        box.appendChild(sec);
      }
      if (safe(o.tracking_url)) box.appendChild(h("p", null)).appendChild(h("a", t.full, { href: o.tracking_url, target: "_blank", rel: "noopener noreferrer" }));
      if (!token) {
        var b = h("button", t.again, { type: "button", "class": "l" });
        b.onclick = form;
        box.appendChild(b);
      }
      if (moved === true) st.focus({ preventScroll: true }); // after a lookup, not on page load
    }

    function load(resp) {
      if (resp.status === 429) return fail(t.tooMany);
      if (resp.status === 404) return fail(t.notFound);
      if (!resp.ok) return fail(t.error);
      return resp.json().then(function (o) { show(o, !token); });
    }

    function form(msg, typed) {
      clear();
      var f = h("form", null, { novalidate: "" }), id = "w" + Math.random().toString(36).slice(2);
      if (typeof msg === "string") f.appendChild(h("p", msg, { "class": "e", role: "alert" }));
      f.appendChild(h("label", t.number, { "for": id + "n" }));
      var n = f.appendChild(h("input", null, { id: id + "n", name: "number", required: "", autocomplete: "off" }));
      f.appendChild(h("label", t.contact, { "for": id + "c" }));
      var c = f.appendChild(h("input", null, { id: id + "c", name: "contact", required: "", autocomplete: "email" }));
      if (typed) { n.value = typed[0]; c.value = typed[1]; } // a failed lookup keeps what was typed
      f.appendChild(h("button", t.find, { type: "submit" }));
      f.onsubmit = function (ev) {
        ev.preventDefault();
        if (!n.value.trim() || !c.value.trim()) return;
        box.setAttribute("aria-busy", "true");
        fetch(base + "/api/v1/widget/lookup", {
          method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ shop: shop, number: n.value, contact: c.value, locale: fixed ? l : null })
        }).then(function (r) {
          box.removeAttribute("aria-busy");
          if (r.status === 404) return form(t.notFound, [n.value, c.value]);
          if (r.status === 429) return form(t.tooMany, [n.value, c.value]);
          return load(r);
        }).catch(function () { box.removeAttribute("aria-busy"); fail(t.error); });
      };
      box.appendChild(f);
    }

    // A fresh order (a thank-you page) may reach Wismo after the page does: "pending" means
    // the token is genuine, so say so and ask again (5 s, 10 s, ... about 5 minutes in all).
    var tries = 0;
    function order() {
      fetch(base + "/api/v1/widget/order?token=" + encodeURIComponent(token) + (fixed ? "&locale=" + l : ""), { credentials: "omit" })
        .then(function (r) {
          if (r.status !== 404 && r.status !== 202) return load(r); // 202: not received yet
          return r.json().then(function (j) {
            if (j.error === "unknown") return say(t.unknown); // placed before Wismo knew the shop
            if (j.error !== "pending") return fail(t.notFound);
            if (!tries) say(t.pending);
            // about 5 minutes in all; after that no webhook is coming: say so, plainly
            if (tries++ < 12) setTimeout(order, 5000 * Math.min(tries, 6));
            else say(t.unknown);
          });
        }).catch(function () { fail(t.error); });
    }
    // Before purchase: the date an order placed now would arrive, asked again when the
    // cut-off passes and every ten minutes (the countdown moves; the server words it).
    function promise() {
      box.setAttribute("class", "w p");
      box.setAttribute("aria-label", el.getAttribute("data-title") || t.delivery);
      var tz = "";
      try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { tz = ""; }
      var q = "shop=" + encodeURIComponent(shop) + "&locale=" + l + "&tz=" + encodeURIComponent(tz);
      ["carrier", "country"].forEach(function (k) { var v = el.getAttribute("data-" + k); if (v) q += "&" + k + "=" + encodeURIComponent(v); });
      fetch(base + "/api/v1/widget/promise?" + q, { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (j) {
          if (!j) { el.hidden = true; return; } // no promise to make: the page shows nothing
          while (box.firstChild) box.removeChild(box.firstChild);
          var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
          svg.setAttribute("viewBox", "0 0 24 24"); svg.setAttribute("width", "24"); svg.setAttribute("height", "24");
          svg.setAttribute("aria-hidden", "true");
          var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
          path.setAttribute("d", TRUCK); path.setAttribute("fill", "none"); path.setAttribute("stroke", "currentColor"); path.setAttribute("stroke-width", "1.8");
          svg.appendChild(path);
          box.appendChild(svg);
          box.appendChild(h("p", j.text));
          var left = j.order_within_seconds;
          var again = left && left > 0 && left < 600 ? left * 1000 + 1000 : 600000;
          setTimeout(promise, again);
        }).catch(function () { el.hidden = true; });
    }
    if (el.getAttribute("data-mode") === "promise" && shop) {
      promise();
    } else if (token) {
      clear();
      box.appendChild(h("p", t.loading, { "class": "m" }));
      order();
    } else if (shop) {
      form();
    } else if (window.console) {
      console.warn("wismo-widget: set data-token or data-shop");
    }
  }

  function start() { Array.prototype.forEach.call(document.querySelectorAll(".wismo-widget"), mount); }
  window.wismoWidget = { scan: start }; // single-page shops: call after adding a widget element
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
