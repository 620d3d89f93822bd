import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Transaction } from 'sequelize';
import { loadCorpus, type CorpusName } from '../ml/corpora';
import { MAX_TEXT_CHARS } from '../ml/features';
import { Comment, CommentLabel, ModerationJob, ModerationModelRecord } from '../models';
import type { ModelServer, ModerationSettings } from './moderation-model';
import type { TrainOutcome, TrainRequest } from './train-run';
import type { WorkerMessage } from './train-worker';

// Training jobs: gather the labels, train in a worker thread (requests keep being served),
// store the model as the next active version, rescore the recent comments with it, swap it
// in. Jobs live in the database, so any process can report one's progress. A new training
// starts on request (API, page, CLI) and after every MODERATION_RETRAIN_EVERY new labels.

/** A job that has not reported for this long is presumed dead (its process stopped). */
const STALE_MS = 10 * 60_000;
/** The newest comments get the new model's score; older ones keep theirs. */
const RESCORE_LIMIT = 50_000;
/** With MODERATION_SELF_TRAINING, the newest this many unlabelled comments (the benchmark's cap). */
const UNLABELLED_LIMIT = 2_000;

export class TrainingError extends Error {}

/**
 * Compiled, the worker is train-worker.js beside this file. From sources (tsx, Jest) it is the
 * .ts file, loaded through tsx's CommonJS hook: on Node 20 a worker's `--import tsx` execArgv
 * does not apply to the worker's own entry file, a require hook does.
 */
function spawnWorker(data: TrainRequest): Worker {
  if (__filename.endsWith('.js')) return new Worker(path.join(__dirname, 'train-worker.js'), { workerData: data });
  const tsx = require.resolve('tsx/cjs');
  const entry = path.join(__dirname, 'train-worker.ts');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(entry)});`, { eval: true, workerData: data });
}

export class Training {
  private readonly runs = new Map<number, Promise<void>>();
  private readonly workers = new Set<Worker>();
  private starting: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly server: ModelServer,
    private readonly settings: ModerationSettings,
    private readonly log: Logger,
  ) {}

  /**
   * Starts a training, or returns the one already running (started: false). With a corpus, its
   * documents come before the site's labels, and the site needs no labels yet.
   */
  start(requestedBy: number | null, opts: { corpus?: CorpusName } = {}): Promise<{ job: ModerationJob; started: boolean }> {
    const next = this.starting.then(() => this.begin(requestedBy, opts.corpus));
    this.starting = next.catch(() => {});
    return next;
  }

  private async begin(requestedBy: number | null, corpus?: CorpusName): Promise<{ job: ModerationJob; started: boolean }> {
    if (this.closed) throw new TrainingError('The server is shutting down.');
    const running = await ModerationJob.running('train', STALE_MS);
    if (running) return { job: running, started: false };
    const counts = await CommentLabel.classCounts();
    if (!corpus && (counts.fine === 0 || counts.unwanted === 0)) {
      throw new TrainingError(
        `Training needs at least one comment labelled unwanted and one labelled fine (there are ${counts.unwanted} and ${counts.fine}).`,
      );
    }
    const { examples, lastLabelId } = await CommentLabel.trainingSet();
    const recent = await Comment.findAll({ attributes: ['id', 'body'], order: [['id', 'DESC']], limit: RESCORE_LIMIT });
    const extra = corpus ? await loadCorpus(corpus) : [];
    const job = await ModerationJob.create({ kind: 'train', status: 'running', stage: 'starting', lastLabelId, requestedBy });
    const request: TrainRequest = {
      examples: [...extra, ...examples].map((e) => ({ text: e.text.slice(0, MAX_TEXT_CHARS), label: e.label })),
      rescore: recent.map((c) => c.body.slice(0, MAX_TEXT_CHARS)),
      ...(corpus ? { source: { corpus, corpusLabels: extra.length } } : {}),
    };
    if (this.settings.selfTraining) {
      const labelled = new Set(examples.map((e) => e.commentId));
      request.unlabelled = request.rescore.filter((_, k) => !labelled.has(recent[k].id)).slice(0, UNLABELLED_LIMIT);
    }
    const run = this.run(job, request, recent.map((c) => c.id));
    this.runs.set(job.id, run);
    void run.finally(() => this.runs.delete(job.id));
    return { job, started: true };
  }

  /** The job once it has finished, if this process runs it; else as it stands now. */
  async wait(jobId: number): Promise<ModerationJob | null> {
    await this.runs.get(jobId);
    return ModerationJob.findByPk(jobId);
  }

  private async run(job: ModerationJob, request: TrainRequest, ids: number[]): Promise<void> {
    const report = reporter(job, this.log);
    try {
      const outcome = await this.inWorker(request, report.progress);
      await report.drain();
      await job.update({ stage: 'storing the model', progress: 0.95 });
      const record = await ModerationModelRecord.store(outcome.model, outcome.curves);
      await writeScores(ids, outcome.scores);
      await job.finish('done', { modelVersion: record.version, stage: 'done' });
      await this.server.refresh();
    } catch (err) {
      await report.drain();
      const message = this.closed ? 'Interrupted: the server stopped.' : err instanceof Error ? err.message : String(err);
      if (!this.closed) this.log.error({ err, job: job.id }, 'moderation model training failed');
      await job.finish('failed', { message }).catch(() => {});
    }
  }

  private inWorker(request: TrainRequest, progress: (stage: string, fraction: number) => void): Promise<TrainOutcome> {
    return new Promise((resolve, reject) => {
      const worker = spawnWorker(request);
      this.workers.add(worker);
      let settled = false;
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') return progress(m.stage, m.progress);
        settled = true;
        if (m.type === 'done') resolve(m);
        else reject(new TrainingError(m.message));
      });
      worker.on('error', (err) => {
        settled = true;
        reject(err);
      });
      worker.on('exit', (code) => {
        this.workers.delete(worker);
        if (!settled) reject(new Error(`the training worker stopped (exit code ${code})`));
      });
    });
  }

  /** Called for each new label (after its transaction commits). */
  onLabel(transaction?: Transaction | null): void {
    const check = () => void this.maybeRetrain().catch((err: unknown) => this.log.warn({ err }, 'automatic retraining check failed'));
    if (transaction) transaction.afterCommit(check);
    else check();
  }

  /** Starts a training when MODERATION_RETRAIN_EVERY labels came in since the last one started. */
  async maybeRetrain(): Promise<ModerationJob | null> {
    if (!this.settings.retrainEvery || this.closed) return null;
    const fresh = await CommentLabel.countSince(await ModerationJob.trainedUpTo());
    if (fresh < this.settings.retrainEvery) return null;
    try {
      return (await this.start(null)).job;
    } catch (err) {
      if (err instanceof TrainingError) return null;
      throw err;
    }
  }

  /** Stops any worker of this process; its job is marked failed. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.terminate()));
    await Promise.allSettled([...this.runs.values()]);
  }
}

/** Progress writes to the job row, coalesced (at most one in flight, the latest wins) and never backwards. */
function reporter(job: ModerationJob, log: Logger) {
  let latest: { stage: string; progress: number } | null = null;
  let writing: Promise<void> | null = null;
  let highest = 0;
  const flush = async (): Promise<void> => {
    while (latest) {
      const next = latest;
      latest = null;
      await job.update(next).catch((err: unknown) => log.warn({ err }, 'could not record training progress'));
    }
    writing = null;
  };
  return {
    progress(stage: string, progress: number) {
      // The final refit on every label reports its epochs again: keep the bar where it was.
      highest = Math.min(0.95, Math.max(highest, progress));
      latest = { stage, progress: highest };
      writing ??= flush();
    },
    async drain() {
      latest = null;
      await writing;
    },
  };
}

/** Stores scores in chunks of one UPDATE each (ids and scores are numbers made here). */
async function writeScores(ids: number[], scores: Float64Array): Promise<void> {
  const sequelize = Comment.sequelize!;
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    const cases = chunk.map((id, k) => {
      const s = scores[start + k];
      return `WHEN ${Math.trunc(id)} THEN ${Number.isFinite(s) ? s : 'NULL'}`;
    });
    await sequelize.query(`UPDATE comments SET score = CASE id ${cases.join(' ')} END WHERE id IN (${chunk.map((id) => Math.trunc(id)).join(',')})`);
  }
}
