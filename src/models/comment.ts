import { CreationOptional, DataTypes, ForeignKey, InferAttributes, InferCreationAttributes, Model, NonAttribute, Sequelize } from 'sequelize';
import { renderMarkdown } from '../services/markdown';
import type { Post } from './post';
import type { User } from './user';

export class Comment extends Model<InferAttributes<Comment>, InferCreationAttributes<Comment>> {
  declare id: CreationOptional<number>;
  declare body: string;
  declare bodyHtml: CreationOptional<string | null>;
  declare timestamp: CreationOptional<Date>;
  /** NULL until a moderator decides, as upstream. */
  declare disabled: CreationOptional<boolean | null>;
  /** The moderation model's probability that the comment is unwanted; null before any model. */
  declare score: CreationOptional<number | null>;
  declare authorId: ForeignKey<number>;
  declare postId: ForeignKey<number>;

  declare author?: NonAttribute<User>;
  declare post?: NonAttribute<Post>;

  static initModel(sequelize: Sequelize): void {
    Comment.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        body: { type: DataTypes.TEXT, allowNull: false },
        bodyHtml: { type: DataTypes.TEXT, allowNull: true },
        timestamp: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        disabled: { type: DataTypes.BOOLEAN, allowNull: true },
        score: { type: DataTypes.REAL, allowNull: true },
      },
      {
        sequelize,
        tableName: 'comments',
        modelName: 'Comment',
        hooks: {
          beforeSave: (comment) => {
            if (comment.changed('body')) comment.bodyHtml = renderMarkdown(comment.body, 'comment');
          },
        },
      },
    );
  }
}
