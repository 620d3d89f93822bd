import { RequestHandler, Router } from 'express';
import swaggerUi from 'swagger-ui-express';

// The browsable API reference, mounted at /api/docs (an HTML surface, GET only).
//   GET /api/docs/                      page      Swagger UI, reading /api/v1/openapi.json
//   GET /api/docs/docs.css              css       the page's own style (no inline style)
//   GET /api/docs/swagger-ui-init.js    script    the initialiser, a file (the CSP blocks inline scripts)
//   GET /api/docs/*                     assets    swagger-ui-dist, served from node_modules (no CDN)
// swagger-ui-express's own page has an inline <style> the CSP blocks, so the page is ours;
// its serveFiles() gives the init script (with the spec URL) and the assets. BaseLayout:
// the standalone layout's top bar has a logo with an inline <style>. Checked in Chromium:
// no CSP violation, and "Try it out" works with Basic auth.

const SPEC_URL = '/api/v1/openapi.json';

const PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <title>mlnotes API v1</title>
  <link rel="stylesheet" href="/api/docs/swagger-ui.css">
  <link rel="stylesheet" href="/api/docs/docs.css">
  <link rel="icon" type="image/png" href="/api/docs/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/api/docs/swagger-ui-bundle.js"></script>
  <script src="/api/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/api/docs/swagger-ui-init.js"></script>
</body>
</html>
`;

const CSS = `html { box-sizing: border-box; overflow-y: scroll; }
*, *:before, *:after { box-sizing: inherit; }
body { margin: 0; background: #fafafa; }
.swagger-ui .topbar .download-url-wrapper { display: none; }
`;

// Swagger UI's stylesheet draws its icons as data: images; only this page allows them.
const allowDataImages: RequestHandler = (_req, res, next) => {
  const csp = res.getHeader('Content-Security-Policy');
  if (typeof csp === 'string') res.setHeader('Content-Security-Policy', csp.replace(/img-src([^;]*)/, "img-src$1 data:"));
  next();
};

export function createDocsRouter(): Router {
  const router = Router();
  router.get('/', allowDataImages, (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs.css', (_req, res) => {
    res.type('css').send(CSS);
  });
  router.use(swaggerUi.serveFiles(undefined, { swaggerUrl: SPEC_URL, swaggerOptions: { url: SPEC_URL, layout: 'BaseLayout' } }));
  return router;
}
