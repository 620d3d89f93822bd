import crypto from 'node:crypto';
import { Role, User } from '../src/models';
import type { Seeder } from '../src/migrate';

const DEMO_USERS = [
  { username: 'admin', email: 'admin@example.com', role: 'Administrator' },
  { username: 'moderator', email: 'moderator@example.com', role: 'Moderator' },
  { username: 'alice', email: 'alice@example.com', role: 'User' },
  { username: 'bob', email: 'bob@example.com', role: 'User' },
];

// Development only: a few confirmed accounts to try the site with. The password
// comes from DEMO_PASSWORD or is made up now and printed once: none is in the repo.
export const up: Seeder = async ({ context: { config, report } }) => {
  if (config.profile !== 'development') return;
  const missing = [];
  for (const demo of DEMO_USERS) {
    if (!(await User.findOne({ where: { email: demo.email } }))) missing.push(demo);
  }
  if (missing.length === 0) return;
  const password = process.env.DEMO_PASSWORD || crypto.randomBytes(9).toString('base64url');
  for (const demo of missing) {
    const role = await Role.findOne({ where: { name: demo.role } });
    const user = User.build({ email: demo.email, username: demo.username, confirmed: true, roleId: role?.id ?? null });
    await user.setPassword(password);
    await user.save();
  }
  report(`Demo accounts: ${missing.map((d) => `${d.email} (${d.role})`).join(', ')}`);
  report(`Their password: ${password}`);
};
