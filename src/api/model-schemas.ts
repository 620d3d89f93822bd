import { z } from 'zod';
import { MAX_TEXT_CHARS } from '../ml/features';
import { CommentJson, CommentPage, responseSchemas } from './schemas';

// The moderation model's API shapes (not in upstream Flasky). schemas.ts has already
// extended zod for OpenAPI; the response schemas join its registry at the end.

const httpDate = CommentJson.shape.timestamp;
const pageUrl = CommentPage.shape.prev;
const apiPath = (example: string) =>
  z
    .string()
    .regex(/^\/api\/v1\/[^?#]*$/)
    .openapi({ example });
const count = z.number().int().min(0);
const labelMessage = 'label must be 0 (fine) or 1 (unwanted)';
const label = z
  .number({ error: labelMessage })
  .int(labelMessage)
  .min(0, labelMessage)
  .max(1, labelMessage)
  .openapi({ description: '1 = unwanted, 0 = fine' });

// --- requests ---

export const PREDICT_TEXT_MAX = MAX_TEXT_CHARS;

export const PredictRequest = z
  .strictObject({
    text: z
      .string({ error: (issue) => (issue.input == null ? 'text is required' : 'text must be a string') })
      .max(PREDICT_TEXT_MAX, `text must be at most ${PREDICT_TEXT_MAX} characters`)
      .refine((s) => s.trim() !== '', 'text must not be empty')
      .openapi({ description: 'A comment, or any text', example: 'Cheap pills, click here!' }),
  })
  .openapi('PredictRequest');

export const LabelRequest = z
  .strictObject({ label: label.openapi({ description: '1 = unwanted (the comment is disabled), 0 = fine (it is enabled)' }) })
  .openapi('LabelRequest');

export const QueueQuery = z.object({
  page: z.string().optional().openapi({ type: 'integer', minimum: 1, default: 1, description: 'Page number (anything else is page 1)' }),
});

// --- responses ---

const metrics = z
  .strictObject({
    precision: z.number().nullable(),
    recall: z.number().nullable(),
    f1: z.number().nullable(),
    roc_auc: z.number().nullable().openapi({ description: 'null when the validation labels are all of one class' }),
    accuracy: z.number().nullable(),
    log_loss: z.number().nullable(),
    validation_size: count,
    validation_unwanted: count,
  })
  .openapi({ description: 'On the held-out (stratified) validation labels; null when there were too few labels to hold any out' });

const labelCounts = z.strictObject({ total: count, unwanted: count, fine: count });

export const ModelInfoJson = z
  .strictObject({
    name: z.literal('moderation'),
    url: apiPath('/api/v1/models/moderation'),
    version: z.number().int().nullable().openapi({ description: 'The version this server serves; null before any training' }),
    trained_at: httpDate.nullable(),
    threshold: z.number().nullable().openapi({ description: 'Scores at or above it are labelled 1 (unwanted)' }),
    metrics: metrics.nullable(),
    labels: labelCounts.nullable().openapi({ description: 'The labels the served version learned from' }),
    hyperparameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable(),
    labelled_comments: z.strictObject({ unwanted: count, fine: count }).openapi({ description: "Comments labelled now (each comment's latest label)" }),
    new_labels: count.openapi({ description: 'Labels given since the last training started' }),
    trusted: z.boolean().openapi({ description: 'Enough labels and validation precision for auto-hold (MODERATION_MIN_LABELS, MODERATION_MIN_PRECISION)' }),
    auto_hold: z.boolean().openapi({ description: 'Whether new comments the trusted model flags are held for review (MODERATION_AUTO_HOLD)' }),
    predict_url: apiPath('/api/v1/models/moderation/predict'),
    train_url: apiPath('/api/v1/models/moderation/train'),
  })
  .openapi('ModerationModel');

export const ModelList = z
  .strictObject({
    models: z.array(
      z.strictObject({ name: z.string(), url: apiPath('/api/v1/models/moderation'), version: z.number().int().nullable(), trained_at: httpDate.nullable() }),
    ),
  })
  .openapi('ModelList');

export const PredictionJson = z
  .strictObject({
    score: z.number().min(0).max(1).openapi({ description: 'Probability that the text is unwanted' }),
    label,
    version: z.number().int().openapi({ description: 'The model version that answered' }),
  })
  .openapi('Prediction');

export const JobJson = z
  .strictObject({
    url: apiPath('/api/v1/models/moderation/jobs/3'),
    kind: z.enum(['train', 'compare']),
    status: z.enum(['running', 'done', 'failed']),
    stage: z.string().openapi({ example: 'training' }),
    progress: z.number().min(0).max(1),
    message: z.string().nullable().openapi({ description: 'Why it failed' }),
    model_version: z.number().int().nullable().openapi({ description: 'The version it trained, once done' }),
    model_url: apiPath('/api/v1/models/moderation').nullable(),
    created_at: httpDate,
    updated_at: httpDate,
    finished_at: httpDate.nullable(),
  })
  .openapi('TrainingJob');

export const ScoredComment = z
  .strictObject({
    ...CommentJson.shape,
    score: z.number().nullable().openapi({ description: "The model's probability that the comment is unwanted; null when unscored" }),
  })
  .openapi('ScoredComment');

export const QueuePage = z
  .strictObject({
    comments: z.array(ScoredComment),
    prev: pageUrl,
    next: pageUrl,
    count: count.openapi({ description: 'Comments waiting for review' }),
  })
  .openapi('ModerationQueue');

Object.assign(responseSchemas, { ModerationModel: ModelInfoJson, ModelList, Prediction: PredictionJson, TrainingJob: JobJson, ScoredComment, ModerationQueue: QueuePage });

export type PredictBody = z.infer<typeof PredictRequest>;
export type LabelBody = z.infer<typeof LabelRequest>;
export type ModelInfoJsonT = z.infer<typeof ModelInfoJson>;
export type JobJsonT = z.infer<typeof JobJson>;
