/**
 * `GET /openapi.json`, the generated document, and `GET /docs`, Swagger UI served from the
 * swagger-ui-dist package on this server (no CDN), pointed at it. Neither needs a credential:
 * the document describes the API, it holds no data.
 */
import path from 'node:path';
import { Router } from 'express';
import { html, layout } from '../../web/html';
import { openApiDocument } from '../openapi';
import { Problem } from '../problem';

const SWAGGER_UI = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = layout({
  title: 'Proactive Care admin API',
  head: html`<link rel="stylesheet" href="/docs/swagger-ui.css" />`,
  body: html`<div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>`,
});

// A file of its own rather than an inline script, so the content security policy stays strict.
const INIT = `window.onload = () => {
  window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });
};
`;

export function docsRoutes(): Router {
  const router = Router();
  const document = openApiDocument();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('js').send(INIT);
  });
  // Swagger UI's own files; `:asset` holds no slash, and `root` keeps the name inside the package.
  router.get('/docs/:asset', (req, res, next) => {
    res.sendFile(String(req.params.asset), { root: SWAGGER_UI }, (error) => {
      if (error && !res.headersSent) next(Problem.notFound(`No file ${req.params.asset}.`));
    });
  });
  return router;
}
