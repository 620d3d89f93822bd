import { currentUser } from './authentication';
import { unauthorized } from './errors';
import type { ApiRoute, RouteContext } from './routing';
import { TokenJson } from './schemas';

// Flasky's api/tokens.py:
//   POST /tokens/   authenticated with email + password only   newToken
export function tokenRoutes({ config, tokens }: RouteContext): ApiRoute[] {
  const expiration = config.api.tokenExpiration;
  return [
    {
      method: 'post',
      path: '/tokens/',
      tag: 'tokens',
      summary: 'Issue an API token',
      description: 'Only to email + password: a token cannot buy a new token (401). The token dies when the password changes.',
      responses: { 200: { description: 'A signed, expiring token', schema: TokenJson } },
      handler: (req, res) => {
        if (req.tokenUsed) throw unauthorized();
        res.json({ token: currentUser(req).generateAuthToken(tokens, expiration), expiration });
      },
    },
  ];
}
