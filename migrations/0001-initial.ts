import { DataTypes } from 'sequelize';
import type { Migration } from '../src/migrate';

// Flasky's schema (snake_case, as in the book) plus the indexes its pages need,
// the classes / registrations association, and the session and remember-me tables.

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false };
const now = { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW };
const fk = (table: string, allowNull = false, onDelete = 'CASCADE') => ({
  type: DataTypes.INTEGER,
  allowNull,
  references: { model: table, key: 'id' },
  onDelete,
});

export const up: Migration = async ({ context: qi }) => {
  await qi.createTable('roles', {
    id,
    name: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    default: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    permissions: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  });
  await qi.addIndex('roles', ['default']);

  await qi.createTable('users', {
    id,
    email: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    username: { type: DataTypes.STRING(64), allowNull: false, unique: true },
    role_id: fk('roles', true, 'SET NULL'),
    password_hash: { type: DataTypes.STRING(128), allowNull: true },
    confirmed: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    name: { type: DataTypes.STRING(64), allowNull: true },
    location: { type: DataTypes.STRING(64), allowNull: true },
    about_me: { type: DataTypes.TEXT, allowNull: true },
    member_since: now,
    last_seen: now,
    avatar_hash: { type: DataTypes.STRING(32), allowNull: true },
    auth_epoch: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
  });

  await qi.createTable('follows', {
    follower_id: { ...fk('users'), primaryKey: true },
    followed_id: { ...fk('users'), primaryKey: true },
    timestamp: now,
  });
  await qi.addIndex('follows', ['followed_id']);

  await qi.createTable('classes', {
    id,
    name: { type: DataTypes.STRING(128), allowNull: false },
    slug: { type: DataTypes.STRING(128), allowNull: false, unique: true },
    description: { type: DataTypes.TEXT, allowNull: true },
    description_html: { type: DataTypes.TEXT, allowNull: true },
    visibility: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'public' },
    teacher_id: fk('users'),
    created_at: now,
    updated_at: now,
  });
  await qi.addIndex('classes', ['teacher_id']);

  await qi.createTable('registrations', {
    student_id: { ...fk('users'), primaryKey: true },
    class_id: { ...fk('classes'), primaryKey: true },
    role: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'student' },
    timestamp: now,
  });
  await qi.addIndex('registrations', ['class_id']);

  await qi.createTable('posts', {
    id,
    body: { type: DataTypes.TEXT, allowNull: false },
    body_html: { type: DataTypes.TEXT, allowNull: true },
    timestamp: now,
    author_id: fk('users'),
    class_id: fk('classes', true, 'SET NULL'),
  });
  await qi.addIndex('posts', ['timestamp', 'id']);
  await qi.addIndex('posts', ['author_id', 'timestamp']);
  await qi.addIndex('posts', ['class_id', 'timestamp']);

  await qi.createTable('comments', {
    id,
    body: { type: DataTypes.TEXT, allowNull: false },
    body_html: { type: DataTypes.TEXT, allowNull: true },
    timestamp: now,
    disabled: { type: DataTypes.BOOLEAN, allowNull: true },
    author_id: fk('users'),
    post_id: fk('posts'),
  });
  await qi.addIndex('comments', ['post_id', 'timestamp']);
  await qi.addIndex('comments', ['timestamp', 'id']);
  await qi.addIndex('comments', ['author_id']);

  await qi.createTable('sessions', {
    sid: { type: DataTypes.STRING(64), primaryKey: true, allowNull: false },
    user_id: fk('users', true),
    expires: { type: DataTypes.DATE, allowNull: true },
    data: { type: DataTypes.TEXT, allowNull: false },
    created_at: now,
    updated_at: now,
  });
  await qi.addIndex('sessions', ['user_id']);
  await qi.addIndex('sessions', ['expires']);

  await qi.createTable('remember_tokens', {
    id,
    selector: { type: DataTypes.STRING(32), allowNull: false, unique: true },
    validator_hash: { type: DataTypes.STRING(64), allowNull: false },
    user_id: fk('users'),
    expires_at: { type: DataTypes.DATE, allowNull: false },
    created_at: now,
  });
  await qi.addIndex('remember_tokens', ['user_id']);
};

export const down: Migration = async ({ context: qi }) => {
  for (const table of ['remember_tokens', 'sessions', 'comments', 'posts', 'registrations', 'classes', 'follows', 'users', 'roles']) {
    await qi.dropTable(table);
  }
};
