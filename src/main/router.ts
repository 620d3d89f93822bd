import { Router } from 'express';
import type { Config } from '../config';

export interface MainDeps {
  config: Config;
}

// Flasky's main blueprint, mounted at /:
//   GET  /                      index
export function createMainRouter(_deps: MainDeps): Router {
  const router = Router();
  router.get('/', (_req, res) => res.render('index.html'));
  return router;
}
