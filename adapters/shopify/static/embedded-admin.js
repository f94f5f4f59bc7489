/* Wismo's admin inside Shopify: forms go by fetch, so App Bridge adds the session token.
   A plain form post inside the iframe would reach Wismo without one (App Bridge adds it only
   to fetch and XMLHttpRequest), and Wismo never takes a token from a URL on a POST. The form
   keeps its CSRF field; after a redirect the browser navigates (a new session token comes
   through the patch page), otherwise the answer replaces the page. GET forms (filters)
   navigate as usual, keeping embedded=1, shop and host. */
(function () {
  "use strict";
  var here = new URLSearchParams(window.location.search);
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if ((form.method || "get").toLowerCase() !== "post") {
      // a GET form's fields replace the action's query: keep the page embedded
      ["embedded", "shop", "host"].forEach(function (name) {
        if (!here.get(name) || form.elements.namedItem(name)) return;
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = here.get(name);
        form.appendChild(input);
      });
      return;
    }
    event.preventDefault();
    var body = new FormData(form);
    if (event.submitter && event.submitter.name) body.append(event.submitter.name, event.submitter.value);
    fetch(form.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        if (response.redirected) {
          window.location.assign(response.url);
          return null;
        }
        return response.text();
      })
      .then(function (html) {
        if (html === null) return;
        document.open();
        document.write(html);
        document.close();
      })
      .catch(function () { /* no answer: the page stays as it was, the merchant can retry */ });
  });
})();
