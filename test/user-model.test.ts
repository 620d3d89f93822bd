import { AnonymousUser, Follow, gravatarHash, Permission, Role, User } from '../src/models';
import { createTokens } from '../src/services/tokens';
import { createTestApp, makeUser, TestApp } from './helpers';

// Flasky's tests/test_user_model.py, on the real (SQLite) database. Token expiry
// uses an injected clock instead of sleeping.

const ADMIN_EMAIL = 'boss@example.com';
let t: TestApp;
let now: number;
const tokens = createTokens('model-test-secret', () => now);

beforeAll(async () => {
  t = await createTestApp({ FLASKY_ADMIN: ADMIN_EMAIL });
});
afterAll(() => t.close());
beforeEach(() => {
  now = Date.now();
});

describe('passwords', () => {
  test('password setter', async () => {
    const u = await makeUser({ password: 'cat in a hat' });
    expect(u.passwordHash).toEqual(expect.any(String));
    expect(u.passwordHash).not.toContain('cat in a hat');
  });

  test('no password getter', async () => {
    const u = await makeUser({ password: 'cat in a hat' });
    expect((u as unknown as Record<string, unknown>).password).toBeUndefined();
    expect(JSON.stringify(u.toJSON())).not.toContain('cat in a hat');
  });

  test('password verification', async () => {
    const u = await makeUser({ password: 'cat in a hat' });
    expect(await u.verifyPassword('cat in a hat')).toBe(true);
    expect(await u.verifyPassword('dog in a hat')).toBe(false);
    expect(await u.verifyPassword('')).toBe(false);
  });

  test('password salts are random', async () => {
    const u1 = await makeUser({ password: 'cat in a hat' });
    const u2 = await makeUser({ password: 'cat in a hat' });
    expect(u1.passwordHash).not.toBe(u2.passwordHash);
  });
});

describe('confirmation tokens', () => {
  test('valid confirmation token', async () => {
    const u = await makeUser({ confirmed: false });
    expect(await u.confirm(tokens, u.generateConfirmationToken(tokens))).toBe(true);
    await u.reload();
    expect(u.confirmed).toBe(true);
  });

  test('invalid confirmation token', async () => {
    const u1 = await makeUser({ confirmed: false });
    const u2 = await makeUser({ confirmed: false });
    expect(await u2.confirm(tokens, u1.generateConfirmationToken(tokens))).toBe(false);
    expect(await u2.confirm(tokens, 'not.a.token')).toBe(false);
    expect(await u2.confirm(tokens, '')).toBe(false);
    await u2.reload();
    expect(u2.confirmed).toBe(false);
  });

  test('expired confirmation token', async () => {
    const u = await makeUser({ confirmed: false });
    const token = u.generateConfirmationToken(tokens, 1);
    now += 2000;
    expect(await u.confirm(tokens, token)).toBe(false);
  });

  test('a token signed with another secret is refused', async () => {
    const u = await makeUser({ confirmed: false });
    const foreign = createTokens('another-secret', () => now);
    expect(await u.confirm(tokens, u.generateConfirmationToken(foreign))).toBe(false);
  });

  test('a tampered payload is refused', async () => {
    const u1 = await makeUser({ confirmed: false });
    const u2 = await makeUser({ confirmed: false });
    const [header, , signature] = u1.generateConfirmationToken(tokens).split('.');
    const payload = Buffer.from(JSON.stringify({ confirm: u2.id })).toString('base64url');
    expect(await u2.confirm(tokens, `${header}.${payload}.${signature}`)).toBe(false);
  });

  test('a confirmation token is not a reset, email change or API token', async () => {
    const u = await makeUser();
    const token = u.generateConfirmationToken(tokens);
    expect(await User.resetPassword(tokens, token, 'new password!')).toBeNull();
    expect(await u.changeEmail(tokens, token)).toBe(false);
    expect(await User.verifyAuthToken(tokens, token)).toBeNull();
    expect(tokens.verify('api', token)).toBeNull();
    expect(tokens.verify('confirm', token)).toEqual({ confirm: u.id });
  });
});

describe('reset tokens', () => {
  test('valid reset token', async () => {
    const u = await makeUser({ password: 'cat in a hat' });
    const reset = await User.resetPassword(tokens, u.generateResetToken(tokens), 'dog in a hat');
    expect(reset?.id).toBe(u.id);
    await u.reload();
    expect(await u.verifyPassword('dog in a hat')).toBe(true);
  });

  test('invalid reset token', async () => {
    const u = await makeUser({ password: 'cat in a hat' });
    const token = u.generateResetToken(tokens);
    expect(await User.resetPassword(tokens, `${token}a`, 'horse in a hat')).toBeNull();
    expect(await User.resetPassword(tokens, 'garbage', 'horse in a hat')).toBeNull();
    await u.reload();
    expect(await u.verifyPassword('cat in a hat')).toBe(true);
  });

  test('expired reset token', async () => {
    const u = await makeUser({ password: 'cat in a hat' });
    const token = u.generateResetToken(tokens, 60);
    now += 61_000;
    expect(await User.resetPassword(tokens, token, 'dog in a hat')).toBeNull();
  });

  test('a reset token works once', async () => {
    const u = await makeUser({ password: 'cat in a hat' });
    const token = u.generateResetToken(tokens);
    expect(await User.resetPassword(tokens, token, 'dog in a hat')).not.toBeNull();
    expect(await User.resetPassword(tokens, token, 'bird in a hat')).toBeNull();
    await u.reload();
    expect(await u.verifyPassword('dog in a hat')).toBe(true);
  });

  test('a reset token is not a confirmation or API token', async () => {
    const u = await makeUser({ confirmed: false });
    const token = u.generateResetToken(tokens);
    expect(await u.confirm(tokens, token)).toBe(false);
    expect(await User.verifyAuthToken(tokens, token)).toBeNull();
  });
});

describe('email change tokens', () => {
  test('valid email change token', async () => {
    const u = await makeUser();
    expect(await u.changeEmail(tokens, u.generateEmailChangeToken(tokens, 'susan@example.org'))).toBe(true);
    await u.reload();
    expect(u.email).toBe('susan@example.org');
    expect(u.avatarHash).toBe(gravatarHash('susan@example.org'));
  });

  test('invalid email change token', async () => {
    const u1 = await makeUser();
    const u2 = await makeUser();
    const before = u2.email;
    expect(await u2.changeEmail(tokens, u1.generateEmailChangeToken(tokens, 'david@example.net'))).toBe(false);
    await u2.reload();
    expect(u2.email).toBe(before);
  });

  test('expired email change token', async () => {
    const u = await makeUser();
    const token = u.generateEmailChangeToken(tokens, 'late@example.net', 10);
    now += 11_000;
    expect(await u.changeEmail(tokens, token)).toBe(false);
  });

  test('duplicate email change token', async () => {
    const u1 = await makeUser();
    const u2 = await makeUser();
    const before = u2.email;
    expect(await u2.changeEmail(tokens, u2.generateEmailChangeToken(tokens, u1.email))).toBe(false);
    await u2.reload();
    expect(u2.email).toBe(before);
  });
});

describe('API tokens', () => {
  test('a valid API token identifies its user', async () => {
    const u = await makeUser();
    expect((await User.verifyAuthToken(tokens, u.generateAuthToken(tokens)))?.id).toBe(u.id);
  });

  test('an expired API token is refused', async () => {
    const u = await makeUser();
    const token = u.generateAuthToken(tokens, 5);
    now += 6000;
    expect(await User.verifyAuthToken(tokens, token)).toBeNull();
  });

  test('an API token dies when the password changes', async () => {
    const u = await makeUser();
    const token = u.generateAuthToken(tokens);
    await u.setPassword('a brand new password');
    await u.save();
    expect(await User.verifyAuthToken(tokens, token)).toBeNull();
    expect((await User.verifyAuthToken(tokens, u.generateAuthToken(tokens)))?.id).toBe(u.id);
  });

  test('an API token is not a confirmation token', async () => {
    const u = await makeUser({ confirmed: false });
    expect(await u.confirm(tokens, u.generateAuthToken(tokens))).toBe(false);
  });
});

describe('roles and permissions', () => {
  const all = [Permission.FOLLOW, Permission.COMMENT, Permission.WRITE, Permission.MODERATE, Permission.ADMIN];
  const granted = (u: User) => all.filter((p) => u.can(p));

  test('user role', async () => {
    const u = await makeUser();
    expect(u.role?.name).toBe('User');
    expect(granted(u)).toEqual([Permission.FOLLOW, Permission.COMMENT, Permission.WRITE]);
    expect(u.isAdministrator()).toBe(false);
  });

  test('moderator role', async () => {
    const u = await makeUser({ role: 'Moderator' });
    expect(granted(u)).toEqual([Permission.FOLLOW, Permission.COMMENT, Permission.WRITE, Permission.MODERATE]);
    expect(u.isAdministrator()).toBe(false);
  });

  test('administrator role', async () => {
    const u = await makeUser({ role: 'Administrator' });
    expect(granted(u)).toEqual(all);
    expect(u.isAdministrator()).toBe(true);
  });

  test('the FLASKY_ADMIN email becomes Administrator on creation', async () => {
    const u = await makeUser({ email: 'Boss@Example.com' });
    expect(u.role?.name).toBe('Administrator');
    expect(u.isAdministrator()).toBe(true);
  });

  test('a user without a role can do nothing', async () => {
    const u = await makeUser();
    u.role = null;
    expect(granted(u)).toEqual([]);
  });

  test('anonymous user', () => {
    const u = new AnonymousUser();
    expect(u.isAuthenticated).toBe(false);
    expect(all.some((p) => u.can(p))).toBe(false);
    expect(u.isAdministrator()).toBe(false);
  });

  test('Role.insertRoles is idempotent and restores the bits by name', async () => {
    await Role.update({ permissions: 0, default: true }, { where: { name: 'Moderator' } });
    await Role.insertRoles();
    await Role.insertRoles();
    const roles = await Role.findAll({ order: [['name', 'ASC']] });
    expect(roles.map((r) => [r.name, r.permissions, r.default])).toEqual([
      ['Administrator', 31, false],
      ['Moderator', 15, false],
      ['User', 7, true],
    ]);
  });

  test('findWithRole loads what findByPk with the role does, and sees role changes made here at once', async () => {
    const u = await makeUser({ password: 'cat in a hat', role: 'Moderator' });
    const expected = (await User.findByPk(u.id, { include: [{ model: Role, as: 'role' }] }))!;
    const loaded = (await User.findWithRole(u.id))!;
    expect(loaded).toBeInstanceOf(User);
    expect(loaded.isNewRecord).toBe(false);
    expect(loaded.lastSeen).toBeInstanceOf(Date);
    expect(typeof loaded.confirmed).toBe('boolean');
    expect(loaded.role).toBeInstanceOf(Role);
    expect(JSON.parse(JSON.stringify(loaded))).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(loaded.can(Permission.MODERATE)).toBe(true);

    // Each load has its own role instance: changing one changes no other request's user.
    loaded.role!.permissions = 0;
    expect((await User.findWithRole(u.id))!.can(Permission.MODERATE)).toBe(true);

    await Role.update({ permissions: Permission.FOLLOW }, { where: { name: 'Moderator' } });
    try {
      expect((await User.findWithRole(u.id))!.can(Permission.MODERATE)).toBe(false);
    } finally {
      await Role.insertRoles();
    }
    expect((await User.findWithRole(u.id))!.can(Permission.MODERATE)).toBe(true);

    // Saved from the loaded instance as from any other.
    await loaded.reload();
    loaded.name = 'Renamed';
    await loaded.save();
    expect((await User.findByPk(u.id))!.name).toBe('Renamed');
  });

  test('findWithRole: an unknown id is null, a user without a role can nothing', async () => {
    expect(await User.findWithRole(987654)).toBeNull();
    const u = await makeUser({ password: 'cat in a hat' });
    await User.update({ roleId: null }, { where: { id: u.id } });
    const loaded = (await User.findWithRole(u.id))!;
    expect(loaded.role).toBeNull();
    expect(loaded.can(Permission.FOLLOW)).toBe(false);
  });

  test('role permission helpers', () => {
    const r = Role.build({ name: 'Scratch' });
    expect(r.permissions).toBe(0);
    r.addPermission(Permission.WRITE);
    r.addPermission(Permission.WRITE);
    expect(r.permissions).toBe(4);
    r.addPermission(Permission.FOLLOW);
    r.removePermission(Permission.WRITE);
    expect(r.hasPermission(Permission.FOLLOW)).toBe(true);
    expect(r.hasPermission(Permission.WRITE)).toBe(false);
    r.resetPermissions();
    expect(r.permissions).toBe(0);
  });
});

describe('activity', () => {
  test('timestamps', async () => {
    const before = Date.now() - 1000;
    const u = await makeUser();
    const after = Date.now() + 1000;
    for (const stamp of [u.memberSince, u.lastSeen]) {
      expect(new Date(stamp).getTime()).toBeGreaterThanOrEqual(before);
      expect(new Date(stamp).getTime()).toBeLessThanOrEqual(after);
    }
  });

  test('ping writes last_seen at most once a minute', async () => {
    const u = await makeUser();
    const seen = new Date(u.lastSeen).getTime();
    await u.ping(new Date(seen + 30_000));
    expect(new Date((await User.findByPk(u.id))!.lastSeen).getTime()).toBe(seen);
    await u.ping(new Date(seen + 61_000));
    expect(new Date((await User.findByPk(u.id))!.lastSeen).getTime()).toBe(seen + 61_000);
    await u.ping(new Date(seen + 90_000));
    expect(new Date((await User.findByPk(u.id))!.lastSeen).getTime()).toBe(seen + 61_000);
  });

  test('gravatar', async () => {
    const u = await makeUser({ email: 'john@example.com', username: 'john' });
    expect(u.avatarHash).toBe('d4c74594d841139328695756648b6bd6');
    const base = 'https://secure.gravatar.com/avatar/d4c74594d841139328695756648b6bd6';
    expect(u.gravatar()).toBe(`${base}?s=100&d=identicon&r=g`);
    expect(u.gravatar(256)).toBe(`${base}?s=256&d=identicon&r=g`);
    expect(u.gravatar(100, 'identicon', 'pg')).toContain('r=pg');
    expect(u.gravatar(100, 'retro')).toContain('d=retro');
  });
});

describe('follows', () => {
  test('every new user follows itself', async () => {
    const u = await makeUser();
    expect(await u.isFollowing(u)).toBe(true);
    expect(await Follow.count({ where: { followerId: u.id } })).toBe(1);
    expect(await Follow.count({ where: { followedId: u.id } })).toBe(1);
  });

  test('follow, unfollow and counts', async () => {
    const u1 = await makeUser();
    const u2 = await makeUser();
    expect(await u1.isFollowing(u2)).toBe(false);
    expect(await u1.isFollowedBy(u2)).toBe(false);

    const before = Date.now() - 1000;
    await u1.follow(u2);
    await u1.follow(u2); // already following: a no-op
    const after = Date.now() + 1000;
    expect(await u1.isFollowing(u2)).toBe(true);
    expect(await u1.isFollowedBy(u2)).toBe(false);
    expect(await u2.isFollowedBy(u1)).toBe(true);
    expect(await Follow.count({ where: { followerId: u1.id } })).toBe(2);
    expect(await Follow.count({ where: { followedId: u2.id } })).toBe(2);
    const f = (await Follow.findOne({ where: { followerId: u1.id, followedId: u2.id } }))!;
    expect(new Date(f.timestamp).getTime()).toBeGreaterThanOrEqual(before);
    expect(new Date(f.timestamp).getTime()).toBeLessThanOrEqual(after);

    await u1.unfollow(u2);
    await u1.unfollow(u2); // not following: a no-op
    expect(await u1.isFollowing(u2)).toBe(false);
    expect(await Follow.count({ where: { followerId: u1.id } })).toBe(1);
    expect(await Follow.count({ where: { followedId: u2.id } })).toBe(1);
  });

  test('deleting a user deletes its follows', async () => {
    const u1 = await makeUser();
    const u2 = await makeUser();
    await u2.follow(u1);
    await u2.destroy();
    expect(await Follow.count({ where: { followerId: u2.id } })).toBe(0);
    expect(await Follow.count({ where: { followedId: u2.id } })).toBe(0);
    expect(await Follow.count({ where: { followedId: u1.id } })).toBe(1);
  });

  test('unsaved users follow nobody', async () => {
    const saved = await makeUser();
    const unsaved = User.build({ email: 'ghost@example.com', username: 'ghost' });
    expect(await unsaved.isFollowing(saved)).toBe(false);
    expect(await unsaved.isFollowedBy(saved)).toBe(false);
  });
});
