import {
  CreationOptional,
  DataTypes,
  ForeignKey,
  InferAttributes,
  InferCreationAttributes,
  Model,
  Op,
  QueryTypes,
  Sequelize,
  Transaction,
} from 'sequelize';
import { ModerationModel, type SerializedModel } from '../ml/model';
import type { Comment } from './comment';

// The moderation model's tables (migrations/0004-moderation-model.ts): moderators'
// labels, the trained versions, and the jobs that train them.

/** 1 = unwanted (Disable), 0 = fine (Enable, Approve). */
export type Label = 0 | 1;
export const UNWANTED: Label = 1;
export const FINE: Label = 0;

export interface LabelledComment {
  commentId: number;
  text: string;
  label: Label;
}

/** One moderator decision about one comment. Table `comment_labels`. */
export class CommentLabel extends Model<InferAttributes<CommentLabel>, InferCreationAttributes<CommentLabel>> {
  declare id: CreationOptional<number>;
  declare commentId: ForeignKey<number>;
  declare moderatorId: ForeignKey<number | null>;
  declare label: Label;
  declare createdAt: CreationOptional<Date>;

  static initModel(sequelize: Sequelize): void {
    CommentLabel.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        label: { type: DataTypes.SMALLINT, allowNull: false, validate: { isIn: [[0, 1]] } },
        createdAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
      },
      { sequelize, tableName: 'comment_labels', modelName: 'CommentLabel' },
    );
  }

  /** Records the decision and applies it: unwanted disables the comment, fine enables it. */
  static async record(comment: Comment, moderatorId: number | null, label: Label): Promise<CommentLabel> {
    return CommentLabel.sequelize!.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
      await comment.update({ disabled: label === UNWANTED }, { transaction });
      return CommentLabel.create({ commentId: comment.id, moderatorId, label }, { transaction });
    });
  }

  /** Each labelled comment once, with its latest label: what the model learns from. */
  static async trainingSet(): Promise<{ examples: LabelledComment[]; lastLabelId: number }> {
    // Up to a fixed label, so one given meanwhile counts towards the next training, not this one.
    const lastLabelId = await CommentLabel.lastId();
    const rows = await CommentLabel.sequelize!.query<{ comment_id: number; label: number; body: string }>(
      `SELECT l.comment_id, l.label, c.body FROM comment_labels l JOIN comments c ON c.id = l.comment_id
        WHERE l.id IN (SELECT MAX(id) FROM comment_labels WHERE id <= :last GROUP BY comment_id) ORDER BY l.comment_id`,
      { type: QueryTypes.SELECT, replacements: { last: lastLabelId } },
    );
    const examples = rows.map((r) => ({ commentId: Number(r.comment_id), text: r.body, label: (Number(r.label) === 1 ? 1 : 0) as Label }));
    return { examples, lastLabelId };
  }

  /** How many labelled comments are currently fine and unwanted (latest label each). */
  static async classCounts(): Promise<{ fine: number; unwanted: number }> {
    const rows = await CommentLabel.sequelize!.query<{ label: number; n: number | string }>(
      `SELECT label, COUNT(*) AS n FROM comment_labels
        WHERE id IN (SELECT MAX(id) FROM comment_labels GROUP BY comment_id) GROUP BY label`,
      { type: QueryTypes.SELECT },
    );
    const count = (label: number) => Number(rows.find((r) => Number(r.label) === label)?.n ?? 0);
    return { fine: count(FINE), unwanted: count(UNWANTED) };
  }

  static async lastId(): Promise<number> {
    return Number((await CommentLabel.max<number, CommentLabel>('id')) ?? 0);
  }

  static async countSince(labelId: number): Promise<number> {
    return CommentLabel.count({ where: { id: { [Op.gt]: labelId } } });
  }

  /** Decisions per UTC day, oldest first. */
  static async perDay(): Promise<{ day: string; fine: number; unwanted: number }[]> {
    const sequelize = CommentLabel.sequelize!;
    const day = sequelize.getDialect() === 'postgres' ? "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')" : 'substr(created_at, 1, 10)';
    const rows = await sequelize.query<{ day: string; label: number; n: number | string }>(
      `SELECT ${day} AS day, label, COUNT(*) AS n FROM comment_labels GROUP BY ${day}, label ORDER BY day`,
      { type: QueryTypes.SELECT },
    );
    const byDay = new Map<string, { day: string; fine: number; unwanted: number }>();
    for (const r of rows) {
      const entry = byDay.get(r.day) ?? { day: r.day, fine: 0, unwanted: 0 };
      entry[Number(r.label) === UNWANTED ? 'unwanted' : 'fine'] += Number(r.n);
      byDay.set(r.day, entry);
    }
    return [...byDay.values()];
  }
}

/** What a training keeps beside the weights, for the model page. */
export interface ModelCurves {
  /** Loss per epoch of the stored model's training. */
  history: { epoch: number; trainLoss: number; valLoss: number | null }[];
  /** Validation F1 and loss after training on growing shares of the training labels. */
  learning: { labels: number[]; f1: number[]; valLoss: number[] };
}

/** A trained model version. Table `moderation_models`; exactly one row is active. */
export class ModerationModelRecord extends Model<InferAttributes<ModerationModelRecord>, InferCreationAttributes<ModerationModelRecord>> {
  declare id: CreationOptional<number>;
  declare version: number;
  declare format: string;
  /** SerializedModel as JSON text (the weights are most of it). */
  declare data: string;
  declare hyperparameters: Record<string, unknown>;
  declare metrics: Record<string, number | null>;
  declare curves: ModelCurves | null;
  declare labelCount: number;
  declare trainedAt: Date;
  declare active: CreationOptional<boolean>;

  static initModel(sequelize: Sequelize): void {
    ModerationModelRecord.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        version: { type: DataTypes.INTEGER, allowNull: false, unique: true },
        format: { type: DataTypes.STRING(64), allowNull: false },
        data: { type: DataTypes.TEXT, allowNull: false },
        hyperparameters: { type: DataTypes.JSON, allowNull: false },
        metrics: { type: DataTypes.JSON, allowNull: false },
        curves: { type: DataTypes.JSON, allowNull: true },
        labelCount: { type: DataTypes.INTEGER, allowNull: false },
        trainedAt: { type: DataTypes.DATE, allowNull: false },
        active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      },
      { sequelize, tableName: 'moderation_models', modelName: 'ModerationModelRecord' },
    );
  }

  /** The served version's number and id, without its weights (what every poll reads). */
  static async activeHead(): Promise<{ id: number; version: number } | null> {
    const head = await ModerationModelRecord.findOne({ where: { active: true }, attributes: ['id', 'version'], order: [['version', 'DESC']] });
    return head ? { id: head.id, version: head.version } : null;
  }

  /** Stores a trained model as the next version and makes it the active one. */
  static async store(model: SerializedModel, curves: ModelCurves): Promise<ModerationModelRecord> {
    return ModerationModelRecord.sequelize!.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
      const version = Number((await ModerationModelRecord.max<number, ModerationModelRecord>('version', { transaction })) ?? 0) + 1;
      const data: SerializedModel = { ...model, version };
      await ModerationModelRecord.update({ active: false }, { where: { active: true }, transaction });
      return ModerationModelRecord.create(
        {
          version,
          format: `${data.format}@${data.formatVersion}`,
          data: JSON.stringify(data),
          hyperparameters: data.hyperparameters,
          metrics: data.metrics,
          curves,
          labelCount: data.labels.total,
          trainedAt: new Date(data.trainedAt),
          active: true,
        },
        { transaction },
      );
    });
  }

  toModel(): ModerationModel {
    return ModerationModel.fromJSON(JSON.parse(this.data));
  }
}

export type JobKind = 'train' | 'compare';
export type JobStatus = 'running' | 'done' | 'failed';

/** A training or an optimizer comparison, readable by every process. Table `moderation_jobs`. */
export class ModerationJob extends Model<InferAttributes<ModerationJob>, InferCreationAttributes<ModerationJob>> {
  declare id: CreationOptional<number>;
  declare kind: JobKind;
  declare status: JobStatus;
  declare stage: CreationOptional<string>;
  /** 0 … 1 */
  declare progress: CreationOptional<number>;
  declare message: CreationOptional<string | null>;
  declare result: CreationOptional<object | null>;
  declare modelVersion: CreationOptional<number | null>;
  /** The newest label when the job started: labels after it count towards the next automatic training. */
  declare lastLabelId: CreationOptional<number>;
  declare requestedBy: ForeignKey<number | null>;
  declare createdAt: CreationOptional<Date>;
  declare updatedAt: CreationOptional<Date>;
  declare finishedAt: CreationOptional<Date | null>;

  static initModel(sequelize: Sequelize): void {
    ModerationJob.init(
      {
        id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
        kind: { type: DataTypes.STRING(16), allowNull: false },
        status: { type: DataTypes.STRING(16), allowNull: false },
        stage: { type: DataTypes.STRING(64), allowNull: false, defaultValue: '' },
        progress: { type: DataTypes.REAL, allowNull: false, defaultValue: 0 },
        message: { type: DataTypes.TEXT, allowNull: true },
        result: { type: DataTypes.JSON, allowNull: true },
        modelVersion: { type: DataTypes.INTEGER, allowNull: true },
        lastLabelId: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
        createdAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        updatedAt: { type: DataTypes.DATE, allowNull: false, defaultValue: DataTypes.NOW },
        finishedAt: { type: DataTypes.DATE, allowNull: true },
      },
      {
        sequelize,
        tableName: 'moderation_jobs',
        modelName: 'ModerationJob',
        hooks: {
          beforeUpdate: (job) => {
            job.updatedAt = new Date();
          },
        },
      },
    );
  }

  /** A job of this kind still running somewhere (one that stopped reporting is presumed dead). */
  static async running(kind: JobKind, staleAfterMs: number): Promise<ModerationJob | null> {
    return ModerationJob.findOne({
      where: { kind, status: 'running', updatedAt: { [Op.gt]: new Date(Date.now() - staleAfterMs) } },
      order: [['id', 'DESC']],
    });
  }

  /** The newest finished job of a kind, e.g. the last optimizer comparison. */
  static async latestDone(kind: JobKind): Promise<ModerationJob | null> {
    return ModerationJob.findOne({ where: { kind, status: 'done' }, order: [['id', 'DESC']] });
  }

  /** The label id up to which trainings have already looked. */
  static async trainedUpTo(): Promise<number> {
    return Number((await ModerationJob.max<number, ModerationJob>('lastLabelId', { where: { kind: 'train' } })) ?? 0);
  }

  async finish(status: 'done' | 'failed', fields: { message?: string; stage?: string; result?: object; modelVersion?: number } = {}): Promise<void> {
    await this.update({ status, finishedAt: new Date(), ...(status === 'done' ? { progress: 1 } : {}), ...fields });
  }
}
