import { CreationOptional, DataTypes, ForeignKey, InferAttributes, InferCreationAttributes, Model, NonAttribute, Sequelize } from 'sequelize';
import { renderMarkdown } from '../services/markdown';
import type { StudyClass } from './study-class';
import type { User } from './user';

export class Post extends Model<InferAttributes<Post>, InferCreationAttributes<Post>> {
  declare id: CreationOptional<number>;
  declare body: string;
  declare bodyHtml: CreationOptional<string | null>;
  declare timestamp: CreationOptional<Date>;
  declare authorId: ForeignKey<number>;
  declare classId: CreationOptional<number | null>;
  /** Optional; pages show deriveTitle(body) when it is null (services/notes.ts). */
  declare title: CreationOptional<string | null>;
  /** Last write, so each process's related-notes index can pick up the others' edits. */
  declare updatedAt: CreationOptional<Date | null>;

  declare author?: NonAttribute<User>;
  declare studyClass?: NonAttribute<StudyClass | null>;
  /** Filled in by withTags() / setTags() (services/notes.ts). */
  declare tagNames?: NonAttribute<string[]>;
  /** Filled in by listings (one grouped count per page, not one query per post). */
  declare commentCount?: NonAttribute<number>;

  static initModel(sequelize: Sequelize): void {
    Post.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        body: { type: DataTypes.TEXT, allowNull: false },
        bodyHtml: { type: DataTypes.TEXT, allowNull: true },
        timestamp: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        classId: { type: DataTypes.INTEGER, allowNull: true },
        title: { type: DataTypes.STRING(200), allowNull: true },
        updatedAt: { type: DataTypes.DATE, allowNull: true },
      },
      {
        sequelize,
        tableName: 'posts',
        modelName: 'Post',
        hooks: {
          // Flasky's on_changed_body: the HTML is derived from the Markdown on every write.
          beforeSave: (post) => {
            if (post.changed('body')) post.bodyHtml = renderMarkdown(post.body, 'post');
            post.updatedAt = new Date();
          },
        },
      },
    );
  }
}
