import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';
import { DEFAULT_ROLE, PermissionBit, ROLES } from './permission';

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

  static initModel(sequelize: Sequelize): void {
    Role.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING(64), allowNull: false, unique: true },
        default: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
        permissions: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      },
      { sequelize, tableName: 'roles', modelName: 'Role' },
    );
  }
}
