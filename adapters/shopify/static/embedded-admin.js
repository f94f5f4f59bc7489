/* Wismo's admin inside Shopify: forms go by fetch, so App Bridge adds the session token.
   A plain form post inside the iframe would reach Wismo without one (App Bridge adds it only
   to fetch and XMLHttpRequest), and Wismo never takes a token from a URL on a POST. The form
   keeps its CSRF field; after a redirect the browser navigates (a new session token comes
   through the patch page), otherwise the answer replaces the page. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.method || "get").toLowerCase() !== "post") return;
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
