// Swagger UI for /api/v1/docs. A static file, so the page needs no inline script; the spec URL comes from the page.
// validatorUrl: null keeps the page from calling swagger.io; the machines are offline.
window.ui = SwaggerUIBundle({
  url: document.getElementById("swagger-ui").dataset.specUrl,
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: false,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
