import { Role, User } from '../src/models';
import type { Seeder } from '../src/migrate';

// The FLASKY_ADMIN account is the administrator. With FLASKY_ADMIN_PASSWORD set
// it is created (confirmed) if missing; otherwise whoever registers with that
// email becomes the administrator, as upstream.
export const up: Seeder = async ({ context: { config, report } }) => {
  const email = config.flaskyAdmin;
  if (!email) return;
  const admin = await Role.findOne({ where: { name: 'Administrator' } });
  const existing = await User.findOne({ where: { email } });
  if (existing) {
    if (existing.roleId !== admin?.id) await existing.update({ roleId: admin?.id ?? null });
    return;
  }
  const password = process.env.FLASKY_ADMIN_PASSWORD;
  if (!password) return;
  const user = User.build({ email, username: email.split('@')[0].replace(/[^A-Za-z0-9_.]/g, '') || 'admin', confirmed: true });
  await user.setPassword(password);
  await user.save();
  report(`Administrator ${email} created.`);
};
