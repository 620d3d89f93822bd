import { DataTypes } from 'sequelize';
import { Migration, table } from '../src/migrate';

// Notes gain an optional title and tags (many-to-many through post_tags), and an
// updated_at stamp so each process's related-notes index can pick up notes edited by
// other processes. Existing posts keep their rows: title and updated_at start out null.

export const up: Migration = async ({ context: qi }) => {
  await qi.addColumn(table(qi, 'posts') as string, 'title', { type: DataTypes.STRING(200), allowNull: true });
  await qi.addColumn(table(qi, 'posts') as string, 'updated_at', { type: DataTypes.DATE, allowNull: true });
  await qi.addIndex('posts', ['updated_at'], { name: 'posts_updated_at' });

  await qi.createTable('tags', {
    id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false },
    name: { type: DataTypes.STRING(50), allowNull: false, unique: true },
    created: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
  });

  await qi.createTable('post_tags', {
    post_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: 'posts', key: 'id' }, onDelete: 'CASCADE' },
    tag_id: { type: DataTypes.INTEGER, allowNull: false, primaryKey: true, references: { model: 'tags', key: 'id' }, onDelete: 'CASCADE' },
  });
  // The tag page walks tag → posts; the primary key already serves post → tags.
  await qi.addIndex('post_tags', ['tag_id', 'post_id'], { name: 'post_tags_tag_post' });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.dropTable('post_tags');
  await qi.dropTable('tags');
  await qi.removeIndex('posts', 'posts_updated_at');
  // Not qi.removeColumn: on SQLite it rebuilds the table, and dropping the old posts table
  // would cascade to comments. Both SQLite (≥ 3.35) and PostgreSQL drop a column in place.
  await qi.sequelize.query('ALTER TABLE posts DROP COLUMN updated_at');
  await qi.sequelize.query('ALTER TABLE posts DROP COLUMN title');
};
