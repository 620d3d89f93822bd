import { Router } from 'express';
import type { Config } from '../config';
import type { AppDeps } from '../deps';

export interface ApiDeps {
  config: Config;
  deps: AppDeps;
}

// Flasky's api blueprint, mounted at /api/v1 (issue 4 fills it in).
export function createApiRouter(_deps: ApiDeps): Router {
  const router = Router();
  router.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  return router;
}
