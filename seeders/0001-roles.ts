import { Role, User } from '../src/models';
import type { Seeder } from '../src/migrate';

// Flasky's `deploy`: the roles, reset to their bits by name, and every user following itself.
export const up: Seeder = async () => {
  await Role.insertRoles();
  await User.addSelfFollows();
};
