import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';
import { DEFAULT_ROLE, PermissionBit, ROLES } from './permission';

// Every logged-in page and every API request needs its user's role: a handful
// of rows written only by `insertRoles` (deploys) and tests. Reading them with
// every user was a join and a second model instance per request, so they are
// kept per process. Writes through the model in this process drop the copy at
// once; a write from another process (the CLI) is seen within ROLE_CACHE_MS.
const ROLE_CACHE_MS = 30_000;
type RoleRow = { id: number; name: string; default: boolean; permissions: number };
let roleCache: { sequelize: Sequelize; at: number; rows: Promise<Map<number, RoleRow>> } | null = null;

export class Role extends Model<InferAttributes<Role>, InferCreationAttributes<Role>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare default: CreationOptional<boolean>;
  declare permissions: CreationOptional<number>;

  hasPermission(perm: number): boolean {
    return (this.permissions & perm) === perm;
  }

  addPermission(perm: PermissionBit): void {
    if (!this.hasPermission(perm)) this.permissions += perm;
  }

  removePermission(perm: PermissionBit): void {
    if (this.hasPermission(perm)) this.permissions -= perm;
  }

  resetPermissions(): void {
    this.permissions = 0;
  }

  /** Idempotent: creates missing roles and resets every role's bits by name, as Flasky does. */
  static async insertRoles(): Promise<void> {
    for (const [name, perms] of Object.entries(ROLES)) {
      const role = (await Role.findOne({ where: { name } })) ?? Role.build({ name });
      role.resetPermissions();
      for (const perm of perms) role.addPermission(perm);
      role.default = name === DEFAULT_ROLE;
      await role.save();
    }
  }

  /**
   * The role with this id, as a fresh instance (callers may change and save it),
   * from the per-process copy of the roles table; null when there is none.
   */
  static async cached(id: number | null | undefined): Promise<Role | null> {
    if (id == null) return null;
    const sequelize = Role.sequelize!;
    if (!roleCache || roleCache.sequelize !== sequelize || Date.now() - roleCache.at > ROLE_CACHE_MS) {
      const rows = Role.findAll().then((roles) => new Map(roles.map((r) => [r.id, r.get({ plain: true }) as RoleRow])));
      roleCache = { sequelize, at: Date.now(), rows };
      rows.catch(() => {
        if (roleCache?.rows === rows) roleCache = null;
      });
    }
    const row = (await roleCache.rows).get(Number(id));
    return row ? Role.build({ ...row }, { isNewRecord: false, raw: true }) : null;
  }

  static forgetCached(): void {
    roleCache = null;
  }

  static initModel(sequelize: Sequelize): void {
    Role.forgetCached();
    Role.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        default: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        permissions: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      {
        sequelize,
        tableName: 'roles',
        modelName: 'Role',
        hooks: {
          afterSave: () => Role.forgetCached(),
          afterDestroy: () => Role.forgetCached(),
          afterBulkCreate: () => Role.forgetCached(),
          afterBulkUpdate: () => Role.forgetCached(),
          afterBulkDestroy: () => Role.forgetCached(),
          afterUpsert: () => Role.forgetCached(),
        },
      },
    );
  }
}
