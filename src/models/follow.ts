import { CreationOptional, DataTypes, InferAttributes, InferCreationAttributes, Model, NonAttribute, Sequelize } from 'sequelize';
import type { User } from './user';

export class Follow extends Model<InferAttributes<Follow>, InferCreationAttributes<Follow>> {
  declare followerId: number;
  declare followedId: number;
  declare timestamp: CreationOptional<Date>;

  declare follower?: NonAttribute<User>;
  declare followedUser?: NonAttribute<User>;

  static initModel(sequelize: Sequelize): void {
    Follow.init(
      {
        followerId: { type: DataTypes.INTEGER, primaryKey: true },
        followedId: { type: DataTypes.INTEGER, primaryKey: true },
        timestamp: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      },
      { sequelize, tableName: 'follows', modelName: 'Follow' },
    );
  }
}
