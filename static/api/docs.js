// Starts Swagger UI on /api/v1/docs from the JSON settings block: no inline script,
// so the page works under the site's Content-Security-Policy.
(function () {
  "use strict";
  const settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  const root = document.getElementById("swagger-ui");
  const csrfToken = root.dataset.csrfToken;

  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis];
  // The session works for "Try it out" on unsafe methods only with the CSRF token.
  settings.requestInterceptor = function (request) {
    if (csrfToken) {
      request.headers["X-CSRFToken"] = csrfToken;
    }
    return request;
  };
  SwaggerUIBundle(settings);
})();
