import { z } from 'zod';
import { Role, User } from '../models';
import { parseForm } from '../web/forms';
import { registrationForm } from '../auth/forms';

export class CliError extends Error {}

async function findRole(name: string): Promise<Role> {
  const role = await Role.findOne({ where: { name } });
  if (!role) throw new CliError(`Unknown role "${name}" (User, Moderator or Administrator; run db:seed first?)`);
  return role;
}

/** The same rules as the registration form, so the CLI cannot make an account the site would refuse. */
export async function createUser(opts: { email: string; username: string; password: string; role?: string; confirmed?: boolean }): Promise<User> {
  const parsed = parseForm(registrationForm, { ...opts, password2: opts.password });
  if (!parsed.ok) throw new CliError(Object.entries(parsed.errors).map(([f, m]) => `${f}: ${m.join(' ')}`).join('; '));
  const email = parsed.data.email.toLowerCase();
  if (await User.findOne({ where: { email } })) throw new CliError('Email already registered.');
  if (await User.findOne({ where: { username: parsed.data.username } })) throw new CliError('Username already in use.');
  const user = User.build({ email, username: parsed.data.username, confirmed: Boolean(opts.confirmed) });
  if (opts.role) user.roleId = (await findRole(opts.role)).id;
  await user.setPassword(parsed.data.password);
  await user.save();
  return user;
}

export async function setRole(opts: { role: string; email?: string; username?: string }): Promise<User> {
  const where = opts.email ? { email: z.string().parse(opts.email).toLowerCase() } : opts.username ? { username: opts.username } : null;
  if (!where) throw new CliError('Give --email or --username.');
  const user = await User.findOne({ where });
  if (!user) throw new CliError('No such user.');
  user.roleId = (await findRole(opts.role)).id;
  await user.save();
  return user;
}
