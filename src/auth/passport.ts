import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { Role, User } from '../models';
import { comparePassword, hashPassword } from './bcrypt-limit';

// A hash of a random password: unknown emails are checked against it so that
// they take as long as a wrong password (no user enumeration by timing).
let dummyHash: Promise<string> | undefined;
const getDummyHash = (rounds: number) => (dummyHash ??= hashPassword(`dummy-${Math.random()}`, rounds));

/** Finds the user by lower-cased email and checks the password, in constant shape. */
export async function authenticate(email: string, password: string, rounds: number): Promise<User | null> {
  const user = await User.findOne({ where: { email: email.trim().toLowerCase() }, include: [{ model: Role, as: 'role' }] });
  if (!user || !user.passwordHash) {
    await comparePassword(password, await getDummyHash(rounds));
    return null;
  }
  return (await user.verifyPassword(password)) ? user : null;
}

/** A Passport instance of the app's own (never the global singleton). */
export type PassportInstance = InstanceType<typeof Passport>;

export function createPassport(bcryptRounds: number): PassportInstance {
  const passport = new Passport();
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (email, password, done) => {
      authenticate(email, password, bcryptRounds).then((user) => done(null, user ?? false), done);
    }),
  );
  passport.serializeUser((user, done) => done(null, (user as User).id));
  passport.deserializeUser((id: unknown, done) => {
    if (typeof id !== 'number') return done(null, false);
    User.findWithRole(id).then((user) => done(null, user ?? false), done);
  });
  return passport;
}
