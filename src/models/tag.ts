import { CreationOptional, DataTypes, ForeignKey, InferAttributes, InferCreationAttributes, Model, Sequelize } from 'sequelize';

/** A topic notes are filed under. Names are normalised (see normaliseTag in services/notes.ts). Table `tags`. */
export class Tag extends Model<InferAttributes<Tag>, InferCreationAttributes<Tag>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare created: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    Tag.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        name: { type: DataTypes.STRING(50), allowNull: false, unique: true },
        created: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      },
      { sequelize, tableName: 'tags', modelName: 'Tag' },
    );
  }
}

/** The posts ↔ tags association. Table `post_tags`. */
export class PostTag extends Model<InferAttributes<PostTag>, InferCreationAttributes<PostTag>> {
  declare postId: ForeignKey<number>;
  declare tagId: ForeignKey<number>;

  static initModel(sequelize: Sequelize): void {
    PostTag.init(
      {
        postId: { type: DataTypes.INTEGER, primaryKey: true },
        tagId: { type: DataTypes.INTEGER, primaryKey: true },
      },
      { sequelize, tableName: 'post_tags', modelName: 'PostTag' },
    );
  }
}
