import type { Logger } from 'pino';
import type { Config } from '../config';
import type { ModerationModel } from '../ml/model';
import { Comment, CommentLabel, ModerationModelRecord } from '../models';
import { Training } from './training';

// The moderation model a process serves. Every process loads the active version from the
// database at start and looks for a newer one every MODERATION_POLL_SECONDS, so all of them
// serve the same version; the process that trained it swaps at once. A swap replaces one
// reference: whoever read `current` keeps a whole model, never half of two versions.

export type ModerationSettings = Config['moderation'];

export interface Prediction {
  score: number;
  label: 0 | 1;
  version: number;
}

export class ModelServer {
  private model: ModerationModel | null = null;
  private brokenVersion: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: ModerationSettings,
    private readonly log: Logger,
  ) {}

  get current(): ModerationModel | null {
    return this.model;
  }

  /** Serves the active version if it is not the one served already; true when it swapped. */
  refresh(): Promise<boolean> {
    // One load at a time, each after the previous: a call made after a version was stored sees it.
    const next = this.queue.then(() => this.load());
    this.queue = next.catch(() => {});
    return next;
  }

  private async load(): Promise<boolean> {
    const head = await ModerationModelRecord.activeHead();
    if (!head) {
      const had = this.model !== null;
      this.model = null;
      return had;
    }
    if (head.version === this.model?.info.version || head.version === this.brokenVersion) return false;
    const record = await ModerationModelRecord.findByPk(head.id);
    if (!record) return false;
    try {
      this.model = record.toModel();
    } catch (err) {
      this.brokenVersion = head.version;
      this.log.error({ err, version: head.version }, 'stored moderation model cannot be loaded; keeping the one served');
      return false;
    }
    this.log.info({ version: head.version }, 'moderation model loaded');
    return true;
  }

  start(): void {
    // Before the first migration there is no table yet: the poll will find the model later.
    void this.refresh().catch((err: unknown) => this.log.debug({ err }, 'no moderation model loaded at start'));
    this.timer = setInterval(() => {
      void this.refresh().catch((err: unknown) => this.log.warn({ err }, 'moderation model poll failed'));
    }, this.settings.pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The served model's opinion of a text, or null before any model is trained. */
  predict(text: string): Prediction | null {
    const model = this.model;
    if (!model) return null;
    const { score, label } = model.predict(text);
    return { score, label, version: model.info.version };
  }

  /**
   * Trusted for auto-hold: enough labels and a validation precision over the configured bar.
   * Labels from a public corpus (model:train --corpus) do not count: they say how well the
   * model knows e-mail spam, not this site's comments.
   */
  trusted(model: ModerationModel | null = this.model): boolean {
    if (!model) return false;
    const precision = model.info.metrics.precision;
    const corpusLabels = Number(model.info.hyperparameters.corpusLabels ?? 0);
    const siteLabels = model.info.labels.total - corpusLabels;
    return siteLabels >= this.settings.minLabels && precision != null && precision >= this.settings.minPrecision;
  }

  /** Scores a comment about to be created; with auto-hold on, holds what a trusted model flags. */
  scoreNew(comment: Comment): void {
    const model = this.model;
    if (!model) return;
    const score = model.score(comment.body);
    comment.score = score;
    if (this.settings.autoHold && score >= this.settings.holdThreshold && this.trusted(model)) comment.disabled = true;
  }
}

const HOOK = 'moderationModel';
// Sequelize models are process-wide: the hooks call the newest Moderation (the one whose
// database connection the models were last bound to by initModels).
let hookOwner: Moderation | null = null;

/** The model server and its training, as the app's dependencies hold them. */
export class Moderation {
  readonly server: ModelServer;
  readonly training: Training;

  constructor(settings: ModerationSettings, log: Logger) {
    this.server = new ModelServer(settings, log);
    this.training = new Training(this.server, settings, log);
    hookOwner = this;
    Comment.removeHook('beforeCreate', HOOK);
    Comment.addHook('beforeCreate', HOOK, (comment: Comment) => hookOwner?.server.scoreNew(comment));
    CommentLabel.removeHook('afterCreate', HOOK);
    CommentLabel.addHook('afterCreate', HOOK, (_label, options) => hookOwner?.training.onLabel(options.transaction));
  }

  start(): void {
    this.server.start();
  }

  async close(): Promise<void> {
    this.server.stop();
    if (hookOwner === this) hookOwner = null;
    await this.training.close();
  }
}
