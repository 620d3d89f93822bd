import crypto from 'node:crypto';
import { comparePassword, hashPassword } from '../auth/bcrypt-limit';
import {
  CreationOptional,
  DataTypes,
  ForeignKey,
  InferAttributes,
  InferCreationAttributes,
  Model,
  NonAttribute,
  QueryOptionsWithModel,
  Sequelize,
  Transaction,
  UniqueConstraintError,
} from 'sequelize';
import type { Tokens } from '../services/tokens';
import { Permission } from './permission';
import { Role } from './role';
import { Follow } from './follow';

const TOKEN_LIFETIME = 3600;
const PING_INTERVAL_MS = 60_000;

export function gravatarHash(email: string): string {
  return crypto.createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/** Settings the model needs from the app's config, set once by initModels. */
export interface UserSettings {
  bcryptRounds: number;
  adminEmail?: string;
}

export class User extends Model<InferAttributes<User>, InferCreationAttributes<User>> {
  declare id: CreationOptional<number>;
  declare email: string;
  declare username: string;
  declare roleId: ForeignKey<Role['id']> | null;
  declare passwordHash: CreationOptional<string | null>;
  declare confirmed: CreationOptional<boolean>;
  declare name: CreationOptional<string | null>;
  declare location: CreationOptional<string | null>;
  declare aboutMe: CreationOptional<string | null>;
  declare memberSince: CreationOptional<Date>;
  declare lastSeen: CreationOptional<Date>;
  declare avatarHash: CreationOptional<string | null>;
  /** Bumped when the password changes: tokens and sessions issued before it die. */
  declare authEpoch: CreationOptional<number>;

  declare role?: NonAttribute<Role | null>;

  static settings: UserSettings = { bcryptRounds: 12 };

  get isAuthenticated(): NonAttribute<true> {
    return true;
  }

  // --- passwords (write-only: there is no way to read a password back) ---

  async setPassword(password: string): Promise<void> {
    const hadPassword = Boolean(this.passwordHash);
    this.passwordHash = await hashPassword(password, User.settings.bcryptRounds);
    if (hadPassword) this.authEpoch = (this.authEpoch ?? 0) + 1;
  }

  async verifyPassword(password: string): Promise<boolean> {
    if (!this.passwordHash) return false;
    return comparePassword(password, this.passwordHash);
  }

  // --- tokens (as Flasky's User methods, with a purpose and the auth epoch) ---

  generateConfirmationToken(tokens: Tokens, expiration = TOKEN_LIFETIME): string {
    return tokens.sign('confirm', { confirm: this.id }, expiration);
  }

  async confirm(tokens: Tokens, token: string): Promise<boolean> {
    const data = tokens.verify('confirm', token);
    if (!data || data.confirm !== this.id) return false;
    this.confirmed = true;
    await this.save();
    return true;
  }

  /** Reset tokens carry the auth epoch, so they stop working once used. */
  generateResetToken(tokens: Tokens, expiration = TOKEN_LIFETIME): string {
    return tokens.sign('reset', { reset: this.id, epoch: this.authEpoch ?? 0 }, expiration);
  }

  static async resetPassword(tokens: Tokens, token: string, newPassword: string): Promise<User | null> {
    const data = tokens.verify('reset', token);
    if (!data || typeof data.reset !== 'number') return null;
    const user = await User.findByPk(data.reset);
    if (!user || user.authEpoch !== data.epoch) return null;
    await user.setPassword(newPassword);
    await user.save();
    return user;
  }

  generateEmailChangeToken(tokens: Tokens, newEmail: string, expiration = TOKEN_LIFETIME): string {
    return tokens.sign('change_email', { change_email: this.id, new_email: newEmail }, expiration);
  }

  async changeEmail(tokens: Tokens, token: string): Promise<boolean> {
    const data = tokens.verify('change_email', token);
    if (!data || data.change_email !== this.id || typeof data.new_email !== 'string') return false;
    const newEmail = data.new_email.toLowerCase();
    if (await User.findOne({ where: { email: newEmail } })) return false;
    this.email = newEmail;
    this.avatarHash = gravatarHash(newEmail);
    try {
      await this.save();
    } catch (err) {
      // Someone registered the address between the check and the update.
      if (!(err instanceof UniqueConstraintError)) throw err;
      await this.reload();
      return false;
    }
    return true;
  }

  generateAuthToken(tokens: Tokens, expiration = TOKEN_LIFETIME): string {
    return tokens.sign('api', { id: this.id, epoch: this.authEpoch ?? 0 }, expiration);
  }

  static async verifyAuthToken(tokens: Tokens, token: string): Promise<User | null> {
    const data = tokens.verify('api', token);
    if (!data || typeof data.id !== 'number') return null;
    const user = await User.findWithRole(data.id);
    return user && user.authEpoch === data.epoch ? user : null;
  }

  /**
   * The user with its role, as `findByPk` with the role included returns it, for
   * every session and token: one plain SELECT into a User (Sequelize's finder
   * building the query and the joined instance cost about twice as much CPU), the
   * role from the per-process copy (Role.cached).
   */
  static async findWithRole(id: number): Promise<User | null> {
    const [user] = await User.sequelize!.query(userByIdSql(), {
      model: User,
      mapToModel: true,
      // SQLite's dialect converts column types (dates, booleans) only for the tables it is told about.
      tableNames: ['users'],
      replacements: { id },
    } as QueryOptionsWithModel<User> & { tableNames: string[] });
    if (!user) return null;
    const role = await Role.cached(user.roleId);
    // Where Sequelize puts an included association: the property and dataValues.
    user.role = (user.dataValues as Record<string, unknown>).role = role;
    return user;
  }

  // --- roles and permissions ---

  can(perm: number): boolean {
    return Boolean(this.role) && this.role!.hasPermission(perm);
  }

  isAdministrator(): boolean {
    return this.can(Permission.ADMIN);
  }

  /** Records the visit, written at most once a minute so pages do not write on every request. */
  async ping(now = new Date()): Promise<void> {
    if (this.lastSeen && now.getTime() - new Date(this.lastSeen).getTime() < PING_INTERVAL_MS) return;
    this.lastSeen = now;
    await User.update({ lastSeen: now }, { where: { id: this.id }, hooks: false });
  }

  gravatar(size = 100, def = 'identicon', rating = 'g'): string {
    const hash = this.avatarHash || gravatarHash(this.email);
    return `https://secure.gravatar.com/avatar/${hash}?s=${size}&d=${def}&r=${rating}`;
  }

  // --- follows ---

  async isFollowing(user: User): Promise<boolean> {
    if (this.id == null || user.id == null) return false;
    return (await Follow.count({ where: { followerId: this.id, followedId: user.id } })) > 0;
  }

  async isFollowedBy(user: User): Promise<boolean> {
    return user.isFollowing(this);
  }

  async follow(user: User, transaction?: Transaction): Promise<void> {
    await Follow.findOrCreate({
      where: { followerId: this.id, followedId: user.id },
      defaults: { followerId: this.id, followedId: user.id },
      transaction,
    });
  }

  async unfollow(user: User): Promise<void> {
    await Follow.destroy({ where: { followerId: this.id, followedId: user.id } });
  }

  /** Flasky's add_self_follows: every user follows itself, so its own posts are in its timeline. */
  static async addSelfFollows(): Promise<void> {
    for (const user of await User.findAll()) await user.follow(user);
  }

  static initModel(sequelize: Sequelize, settings: UserSettings): void {
    User.settings = settings;
    User.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        email: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        roleId: { type: DataTypes.INTEGER, allowNull: true },
        passwordHash: { type: DataTypes.STRING(128), allowNull: true },
        confirmed: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        name: { type: DataTypes.STRING(64), allowNull: true },
        location: { type: DataTypes.STRING(64), allowNull: true },
        aboutMe: { type: DataTypes.TEXT, allowNull: true },
        memberSince: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        lastSeen: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        avatarHash: { type: DataTypes.STRING(32), allowNull: true },
        authEpoch: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      {
        sequelize,
        tableName: 'users',
        modelName: 'User',
        hooks: {
          // As Flasky's User.__init__: FLASKY_ADMIN becomes Administrator, everyone
          // else gets the default role; the avatar hash is derived from the email.
          beforeCreate: async (user, options) => {
            if (user.roleId == null) {
              const isAdmin = settings.adminEmail && user.email.toLowerCase() === settings.adminEmail;
              const where = isAdmin ? { name: 'Administrator' } : { default: true };
              const role = await Role.findOne({ where, transaction: options.transaction });
              user.roleId = role?.id ?? null;
            }
            if (!user.avatarHash) user.avatarHash = gravatarHash(user.email);
          },
          // Users follow themselves, as upstream.
          afterCreate: async (user, options) => {
            await Follow.create({ followerId: user.id, followedId: user.id }, { transaction: options.transaction });
          },
        },
      },
    );
  }
}

const userById = new WeakMap<Sequelize, string>();
/** Every column the model knows, by its field name (mapToModel renames them to attributes). */
function userByIdSql(): string {
  const sequelize = User.sequelize!;
  let sql = userById.get(sequelize);
  if (!sql) {
    const columns = Object.values(User.getAttributes()).map((a) => sequelize.getQueryInterface().quoteIdentifier(a.field!));
    sql = `SELECT ${columns.join(', ')} FROM users WHERE id = :id`;
    userById.set(sequelize, sql);
  }
  return sql;
}

/** Flasky's AnonymousUser: can nothing. */
export class AnonymousUser {
  readonly isAuthenticated = false;
  readonly id = null;
  can(_perm: number): boolean {
    return false;
  }
  isAdministrator(): boolean {
    return false;
  }
}

export type CurrentUser = User | AnonymousUser;
