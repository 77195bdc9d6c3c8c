// The interactive API documentation: Swagger UI over /openapi.json (no inline script).
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui" });
