import crypto from 'node:crypto';
import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, Op, Sequelize } from 'sequelize';

/** Server-side web sessions (the express-session store's table), with the owner's id so they can be ended. */
export class Session extends Model<InferAttributes<Session>, InferCreationAttributes<Session>> {
  declare sid: string;
  declare userId: CreationOptional<number | null>;
  declare expires: Date | null;
  declare data: string;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;

  /** Ends every session of a user except the one given (password change, account takeover). */
  static async endAllFor(userId: number, exceptSid?: string): Promise<void> {
    const where = exceptSid ? { userId, sid: { [Op.ne]: exceptSid } } : { userId };
    await Session.destroy({ where });
  }

  static initModel(sequelize: Sequelize): void {
    Session.init(
      {
        sid: { type: DataTypes.STRING(64), primaryKey: true },
        userId: { type: DataTypes.INTEGER, allowNull: true },
        expires: { type: DataTypes.DATE, allowNull: true },
        data: { type: DataTypes.TEXT, allowNull: false },
        createdAt: DataTypes.DATE,
        updatedAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'sessions', modelName: 'Session', timestamps: true },
    );
  }
}

const sha256 = (value: string) => crypto.createHash('sha256').update(value).digest('hex');

/**
 * "Keep me logged in" tokens: `selector:validator`, the selector looked up,
 * the validator stored only as a hash and compared in constant time; revocable.
 */
export class RememberToken extends Model<InferAttributes<RememberToken>, InferCreationAttributes<RememberToken>> {
  declare id: CreationOptional<number>;
  declare selector: string;
  declare validatorHash: string;
  declare userId: number;
  declare expiresAt: Date;
  declare createdAt: CreationOptional<Date>;

  /** Creates a token and returns the cookie value; the validator is never stored. */
  static async issue(userId: number, days: number, now = new Date()): Promise<string> {
    const selector = crypto.randomBytes(12).toString('base64url');
    const validator = crypto.randomBytes(32).toString('base64url');
    await RememberToken.create({
      selector,
      validatorHash: sha256(validator),
      userId,
      expiresAt: new Date(now.getTime() + days * 86_400_000),
    });
    return `${selector}:${validator}`;
  }

  /** The token for a cookie value, or null; a wrong validator for a known selector revokes it (theft). */
  static async findValid(cookieValue: unknown, now = new Date()): Promise<RememberToken | null> {
    if (typeof cookieValue !== 'string' || cookieValue.length > 200) return null;
    const [selector, validator, extra] = cookieValue.split(':');
    if (!selector || !validator || extra !== undefined) return null;
    const token = await RememberToken.findOne({ where: { selector } });
    if (!token) return null;
    const given = Buffer.from(sha256(validator));
    const stored = Buffer.from(token.validatorHash);
    if (given.length !== stored.length || !crypto.timingSafeEqual(given, stored) || token.expiresAt <= now) {
      await token.destroy();
      return null;
    }
    return token;
  }

  static async revokeAllFor(userId: number): Promise<void> {
    await RememberToken.destroy({ where: { userId } });
  }

  static initModel(sequelize: Sequelize): void {
    RememberToken.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        selector: { type: DataTypes.STRING(32), allowNull: false, unique: true },
        validatorHash: { type: DataTypes.STRING(64), allowNull: false },
        userId: { type: DataTypes.INTEGER, allowNull: false },
        expiresAt: { type: DataTypes.DATE, allowNull: false },
        createdAt: DataTypes.DATE,
      },
      { sequelize, tableName: 'remember_tokens', modelName: 'RememberToken', timestamps: true, updatedAt: false },
    );
  }
}
