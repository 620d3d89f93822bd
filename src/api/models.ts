import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { AppDeps } from '../deps';
import type { ModerationModel } from '../ml/model';
import { Comment, CommentLabel, ModerationJob, Permission } from '../models';
import { moderationPage } from '../services/moderation-queue';
import { TrainingError } from '../services/training';
import { and, visibleComments } from '../services/visibility';
import { HttpError } from '../web/http-error';
import { pageParam } from '../web/pagination';
import { currentUser } from './authentication';
import { notFound } from './errors';
import { JobJson, LabelBody, LabelRequest, ModelInfoJson, ModelInfoJsonT, ModelList, PredictBody, PredictionJson, PredictRequest, QueuePage, QueueQuery, ScoredComment } from './model-schemas';
import type { ApiRoute, RouteContext } from './routing';
import { commentJson } from './serializers';

// The comment-moderation model (not in upstream Flasky):
//   GET  /models/                      auth                          listModels
//   GET  /models/moderation            auth                          modelInfo     what this server serves
//   POST /models/moderation/predict    auth, per-user rate limit     predict       {"text"} → score, label (409 before any model)
//   POST /models/moderation/train      MODERATE                      train         202 + Location of the job (409: too few labels)
//   GET  /models/moderation/jobs/:id   MODERATE                      job           progress
//   GET  /moderation/queue             MODERATE                      queue         unlabelled comments, least certain first
//   POST /comments/:id/label           MODERATE  {"label": 0|1}      label         1 disables, 0 enables; recorded for training

const MODEL_URL = '/api/v1/models/moderation';
const jobUrl = (id: number) => `${MODEL_URL}/jobs/${id}`;
const httpDate = (d: Date) => new Date(d).toUTCString();

function jobJson(job: ModerationJob) {
  return {
    url: jobUrl(job.id),
    kind: job.kind,
    status: job.status,
    stage: job.stage,
    progress: Math.min(1, Math.max(0, Number(job.progress))),
    message: job.message ?? null,
    model_version: job.modelVersion ?? null,
    model_url: job.modelVersion ? MODEL_URL : null,
    created_at: httpDate(job.createdAt),
    updated_at: httpDate(job.updatedAt),
    finished_at: job.finishedAt ? httpDate(job.finishedAt) : null,
  };
}

function metricsJson(m: Record<string, number | null>): ModelInfoJsonT['metrics'] {
  if (m.n == null) return null;
  return {
    precision: m.precision ?? null,
    recall: m.recall ?? null,
    f1: m.f1 ?? null,
    roc_auc: m.auc ?? null,
    accuracy: m.accuracy ?? null,
    log_loss: m.logLoss ?? null,
    validation_size: m.n,
    validation_unwanted: m.positives ?? 0,
  };
}

function modelJson(model: ModerationModel | null): Omit<ModelInfoJsonT, 'labelled_comments' | 'new_labels' | 'trusted' | 'auto_hold'> {
  const info = model?.info;
  return {
    name: 'moderation',
    url: MODEL_URL,
    version: info?.version ?? null,
    trained_at: info ? httpDate(new Date(info.trainedAt)) : null,
    threshold: info?.threshold ?? null,
    metrics: info ? metricsJson(info.metrics) : null,
    labels: info ? { total: info.labels.total, unwanted: info.labels.positive, fine: info.labels.negative } : null,
    hyperparameters: info?.hyperparameters ?? null,
    predict_url: `${MODEL_URL}/predict`,
    train_url: `${MODEL_URL}/train`,
  };
}

export function modelRoutes({ config }: RouteContext, deps: Pick<AppDeps, 'moderation' | 'rateLimitStore'>): ApiRoute[] {
  const { server, training } = deps.moderation;
  const perPage = config.commentsPerPage;
  const store = deps.rateLimitStore('model-predict');
  // Scoring is cheap but not free: each user gets a budget per minute, shared between processes with Redis.
  const predictLimit = rateLimit({
    windowMs: 60_000,
    limit: config.moderation.predictPerMinute,
    standardHeaders: false,
    legacyHeaders: false,
    passOnStoreError: true,
    keyGenerator: (req) => `user:${req.apiUser?.id ?? 0}`,
    ...(store ? { store } : {}),
    handler: (_req, res, next) => {
      res.set('Retry-After', '60');
      next(new HttpError(429, `At most ${config.moderation.predictPerMinute} predictions a minute; try again later`));
    },
  });
  const accepted = (req: Request, res: Response, job: ModerationJob) => {
    const origin = config.baseUrl ?? `${req.protocol}://${req.get('host')}`;
    res.status(202).location(`${origin}${jobUrl(job.id)}`).json(jobJson(job));
  };

  return [
    {
      method: 'get',
      path: '/models/',
      tag: 'models',
      summary: 'The models this server serves',
      responses: { 200: { description: 'The models', schema: ModelList } },
      handler: (_req, res) => {
        const model = modelJson(server.current);
        res.json({ models: [{ name: model.name, url: model.url, version: model.version, trained_at: model.trained_at }] });
      },
    },
    {
      method: 'get',
      path: '/models/moderation',
      tag: 'models',
      summary: 'The comment-moderation model: version, validation metrics, label counts',
      responses: { 200: { description: 'The model (version null before any training)', schema: ModelInfoJson } },
      handler: async (_req, res) => {
        const model = server.current;
        const [counts, newLabels] = await Promise.all([CommentLabel.classCounts(), ModerationJob.trainedUpTo().then((id) => CommentLabel.countSince(id))]);
        res.json({ ...modelJson(model), labelled_comments: counts, new_labels: newLabels, trusted: server.trusted(model), auto_hold: config.moderation.autoHold });
      },
    },
    {
      method: 'post',
      path: '/models/moderation/predict',
      tag: 'models',
      summary: 'Score a text with the moderation model',
      description: `Any confirmed user, at most ${config.moderation.predictPerMinute} calls a minute (429 beyond).`,
      before: [predictLimit],
      body: PredictRequest,
      responses: { 200: { description: 'The probability that the text is unwanted, and the label', schema: PredictionJson } },
      errors: { 409: 'No model has been trained yet' },
      handler: (req, res) => {
        const prediction = server.predict((req.body as PredictBody).text);
        if (!prediction) throw new HttpError(409, 'No moderation model has been trained yet: moderators label comments, then train one.');
        res.json(prediction);
      },
    },
    {
      method: 'post',
      path: '/models/moderation/train',
      tag: 'models',
      summary: 'Train a new version from the labels (moderators)',
      description: 'Trains in the background; follow the job URL in Location. If a training is already running, that job is returned.',
      permission: Permission.MODERATE,
      responses: { 202: { description: 'The training job', schema: JobJson, location: true } },
      errors: { 409: 'Not enough labels: at least one unwanted and one fine comment are needed' },
      handler: async (req, res) => {
        try {
          accepted(req, res, (await training.start(currentUser(req).id)).job);
        } catch (err) {
          if (err instanceof TrainingError) throw new HttpError(409, err.message);
          throw err;
        }
      },
    },
    {
      method: 'get',
      path: '/models/moderation/jobs/:id',
      tag: 'models',
      summary: "A training job's progress (moderators)",
      permission: Permission.MODERATE,
      responses: { 200: { description: 'The job', schema: JobJson } },
      handler: async (req, res) => {
        const job = await ModerationJob.findByPk(Number(req.params.id));
        if (!job) throw notFound();
        res.json(jobJson(job));
      },
    },
    {
      method: 'get',
      path: '/moderation/queue',
      tag: 'moderation',
      summary: 'Comments waiting for review, those the model is least sure of first (moderators)',
      description: 'Unlabelled comments ordered by |score − 0.5|, unscored ones last, newest first among equals (so newest first before any model).',
      permission: Permission.MODERATE,
      query: QueueQuery,
      responses: { 200: { description: `A page of the queue (${perPage} per page)`, schema: QueuePage } },
      handler: async (req, res) => {
        const user = currentUser(req);
        const page = Math.max(pageParam(req.query.page), 1);
        const { comments, total } = await moderationPage(await visibleComments(user), 'queue', { offset: (page - 1) * perPage, limit: perPage });
        const at = (p: number) => `/api/v1/moderation/queue?page=${p}`;
        res.json({
          comments: comments.map((c) => ({ ...commentJson(c, user), score: c.score ?? null })),
          prev: page > 1 ? at(page - 1) : null,
          next: page * perPage < total ? at(page + 1) : null,
          count: total,
        });
      },
    },
    {
      method: 'post',
      path: '/comments/:id/label',
      tag: 'moderation',
      summary: 'Label a comment (moderators): 1 = unwanted disables it, 0 = fine enables it',
      description: 'Recorded with who and when; the moderation model learns from it.',
      permission: Permission.MODERATE,
      body: LabelRequest,
      responses: { 200: { description: 'The labelled comment', schema: ScoredComment } },
      handler: async (req, res) => {
        const user = currentUser(req);
        const comment = await Comment.findOne({ where: and({ id: Number(req.params.id) }, await visibleComments(user)) });
        if (!comment) throw notFound();
        await CommentLabel.record(comment, user.id, (req.body as LabelBody).label as 0 | 1);
        res.json({ ...commentJson(comment, user), score: comment.score ?? null });
      },
    },
  ];
}
