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

  // Accessibility repairs as Swagger UI draws: name its icon-only buttons, and let a
  // button whose aria-label hides its visible word be named by that word (WCAG 2.5.3).
  const names = { ".copy-to-clipboard > button": root.dataset.copyLabel, ".close-modal": root.dataset.closeLabel };
  new MutationObserver(function () {
    Object.entries(names).forEach(function ([selector, name]) {
      root.querySelectorAll(selector + ":not([aria-label])").forEach(function (button) {
        button.setAttribute("aria-label", name);
      });
    });
    root.querySelectorAll("button[aria-label]").forEach(function (button) {
      const text = button.textContent.trim();
      if (text && !button.getAttribute("aria-label").toLowerCase().includes(text.toLowerCase())) {
        button.removeAttribute("aria-label");
      }
    });
  }).observe(root, { childList: true, subtree: true });
})();
