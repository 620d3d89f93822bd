import { DataTypes } from 'sequelize';
import { Migration, table } from '../src/migrate';

// The comment-moderation model (issue 8):
// - comment_labels: every moderator decision (1 = unwanted, 0 = fine), with who and when;
// - moderation_models: each trained version, its weights as JSON, one of them active;
// - moderation_jobs: trainings and optimizer comparisons, in the database so any process
//   can report the progress of a job another process runs;
// - comments.score: the active model's score, written when a comment is created and
//   refreshed after each training, so the queue orders in SQL.

const id = { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true, allowNull: false };
const now = { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW };
const userFk = { type: DataTypes.INTEGER, allowNull: true, references: { model: 'users', key: 'id' }, onDelete: 'SET NULL' };

// The queue's order, most uncertain first and unscored last; the same expression as
// UNCERTAINTY in src/services/moderation-queue.ts, so the planner can use the index.
const UNCERTAINTY = 'COALESCE(ABS(score - 0.5), 1)';

export const up: Migration = async ({ context: qi }) => {
  await qi.createTable('comment_labels', {
    id,
    comment_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'comments', key: 'id' }, onDelete: 'CASCADE' },
    moderator_id: userFk,
    label: { type: DataTypes.SMALLINT, allowNull: false },
    created_at: now,
  });
  await qi.addIndex('comment_labels', ['comment_id', 'created_at'], { name: 'comment_labels_comment_created' });
  await qi.addIndex('comment_labels', ['created_at'], { name: 'comment_labels_created' });

  await qi.createTable('moderation_models', {
    id,
    version: { type: DataTypes.INTEGER, allowNull: false, unique: true },
    format: { type: DataTypes.STRING(64), allowNull: false },
    data: { type: DataTypes.TEXT, allowNull: false },
    hyperparameters: { type: DataTypes.JSON, allowNull: false },
    metrics: { type: DataTypes.JSON, allowNull: false },
    curves: { type: DataTypes.JSON, allowNull: true },
    label_count: { type: DataTypes.INTEGER, allowNull: false },
    trained_at: now,
    active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
  });
  await qi.addIndex('moderation_models', ['active', 'version'], { name: 'moderation_models_active_version' });

  await qi.createTable('moderation_jobs', {
    id,
    kind: { type: DataTypes.STRING(16), allowNull: false },
    status: { type: DataTypes.STRING(16), allowNull: false },
    stage: { type: DataTypes.STRING(64), allowNull: false, defaultValue: '' },
    progress: { type: DataTypes.REAL, allowNull: false, defaultValue: 0 },
    message: { type: DataTypes.TEXT, allowNull: true },
    result: { type: DataTypes.JSON, allowNull: true },
    model_version: { type: DataTypes.INTEGER, allowNull: true },
    last_label_id: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
    requested_by: userFk,
    created_at: now,
    updated_at: now,
    finished_at: { type: DataTypes.DATE, allowNull: true },
  });
  await qi.addIndex('moderation_jobs', ['kind', 'status', 'id'], { name: 'moderation_jobs_kind_status' });

  await qi.addColumn(table(qi, 'comments') as string, 'score', { type: DataTypes.REAL, allowNull: true });
  await qi.sequelize.query(`CREATE INDEX comments_uncertainty ON comments (${UNCERTAINTY})`);
  await qi.addIndex('comments', ['score'], { name: 'comments_score' });
};

export const down: Migration = async ({ context: qi }) => {
  await qi.removeIndex('comments', 'comments_score');
  await qi.sequelize.query('DROP INDEX comments_uncertainty');
  // Not qi.removeColumn: on SQLite it rebuilds the table (see 0003-titles-and-tags).
  await qi.sequelize.query('ALTER TABLE comments DROP COLUMN score');
  await qi.dropTable('moderation_jobs');
  await qi.dropTable('moderation_models');
  await qi.dropTable('comment_labels');
};
