// A trained moderation model: feature settings + Float32 weights, serialisable to plain JSON
// (weights as base64 little-endian Float32: the whole array, or the non-zero entries with their
// indices when fewer than half are non-zero) and back, bit for bit.
import { z } from 'zod';
import { DEFAULT_DIMS, hashFeatures, type FeatureOptions, type SparseVector } from './features';
import { margin, sigmoid } from './logistic';

export const MODEL_FORMAT = 'mlnotes/hashed-logistic-regression';
export const FORMAT_VERSION = 1;

export type ResolvedFeatureOptions = Required<FeatureOptions>;

export const DEFAULT_FEATURES: ResolvedFeatureOptions = {
  dims: DEFAULT_DIMS,
  wordNgrams: [1, 2],
  charNgrams: [3, 5],
  sublinearTf: true,
  normalize: true,
  // Chosen by 5-fold cross-validation on the 4,836 training documents: the first 8,192
  // characters make a fifth fewer errors than 2,048 (log loss 0.025 vs 0.031), as many as
  // 16,384 or the whole text, for less featurization time. The 484 validation ids alone
  // preferred 2,048; see docs/moderation-model.md.
  maxChars: 8192,
  // Words and char n-grams weigh the same: lower validation loss and higher AUC than one joint norm.
  normalizeBlocks: true,
};

export interface ModelInfo {
  /** Increases with every model trained; assigned by whoever stores the model. */
  version: number;
  trainedAt: string;
  /** Score at or above which a text is labelled unwanted (1). */
  threshold: number;
  hyperparameters: Record<string, string | number | boolean | null>;
  /** Validation metrics (null where undefined, e.g. AUC with one class). */
  metrics: Record<string, number | null>;
  labels: { total: number; positive: number; negative: number };
}

const serializedSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.literal(FORMAT_VERSION),
  features: z.object({
    dims: z.number().int().min(1).max(2 ** 30),
    wordNgrams: z.tuple([z.number().int(), z.number().int()]),
    charNgrams: z.tuple([z.number().int(), z.number().int()]).nullable(),
    sublinearTf: z.boolean(),
    normalize: z.boolean(),
    maxChars: z.number().int().min(0),
    // Absent from models saved before the option existed, which were trained without it.
    normalizeBlocks: z.boolean().default(false),
  }),
  weights: z.union([
    z.object({ nnz: z.number().int().min(0), indices: z.string(), values: z.string() }),
    z.object({ dense: z.string() }),
  ]),
  version: z.number().int(),
  trainedAt: z.string(),
  threshold: z.number().min(0).max(1),
  hyperparameters: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  metrics: z.record(z.string(), z.number().nullable()),
  labels: z.object({ total: z.number().int(), positive: z.number().int(), negative: z.number().int() }),
});

export type SerializedModel = z.infer<typeof serializedSchema>;

export class ModerationModel {
  /**
   * @param weights dims feature weights followed by the bias
   */
  constructor(
    readonly weights: Float32Array,
    readonly features: ResolvedFeatureOptions,
    readonly info: ModelInfo,
  ) {
    if (weights.length !== features.dims + 1) {
      throw new RangeError(`expected ${features.dims + 1} weights, got ${weights.length}`);
    }
  }

  featurize(text: string): SparseVector {
    return hashFeatures(text, this.features);
  }

  /** Probability that the text is unwanted. */
  score(text: string): number {
    return this.scoreVector(this.featurize(text));
  }

  scoreVector(x: SparseVector): number {
    return sigmoid(margin(x, this.weights));
  }

  predict(text: string): { score: number; label: 0 | 1 } {
    const score = this.score(text);
    return { score, label: score >= this.info.threshold ? 1 : 0 };
  }

  toJSON(): SerializedModel {
    const nz: number[] = [];
    for (let j = 0; j < this.weights.length; j++) if (this.weights[j] !== 0) nz.push(j);
    const weights =
      nz.length * 2 > this.weights.length
        ? { dense: toBase64(this.weights) }
        : {
            nnz: nz.length,
            indices: toBase64(new Uint32Array(nz)),
            values: toBase64(Float32Array.from(nz, (j) => this.weights[j])),
          };
    return {
      format: MODEL_FORMAT,
      formatVersion: FORMAT_VERSION,
      features: { ...this.features },
      weights,
      ...this.info,
    };
  }

  /** Rebuilds a model from toJSON() output; throws on anything malformed. */
  static fromJSON(data: unknown): ModerationModel {
    const s = serializedSchema.parse(data);
    const n = s.features.dims + 1;
    let weights: Float32Array;
    if ('dense' in s.weights) {
      weights = fromBase64(s.weights.dense, Float32Array, n);
    } else {
      const indices = fromBase64(s.weights.indices, Uint32Array, s.weights.nnz);
      const values = fromBase64(s.weights.values, Float32Array, s.weights.nnz);
      weights = new Float32Array(n);
      for (let k = 0; k < indices.length; k++) {
        if (indices[k] >= n) throw new RangeError(`weight index ${indices[k]} out of range`);
        weights[indices[k]] = values[k];
      }
    }
    const { format: _f, formatVersion: _v, features, weights: _w, ...info } = s;
    return new ModerationModel(weights, features, info);
  }
}

// DataView keeps the stored bytes little-endian whatever the host's byte order.
function toBase64(a: Uint32Array | Float32Array): string {
  const view = new DataView(new ArrayBuffer(a.length * 4));
  for (let k = 0; k < a.length; k++) {
    if (a instanceof Float32Array) view.setFloat32(4 * k, a[k], true);
    else view.setUint32(4 * k, a[k], true);
  }
  return Buffer.from(view.buffer).toString('base64');
}

function fromBase64<T extends Uint32Array | Float32Array>(
  text: string,
  Kind: { new (n: number): T },
  n: number,
): T {
  const buf = Buffer.from(text, 'base64');
  if (buf.length !== n * 4) throw new RangeError(`expected ${n} values, got ${buf.length / 4}`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  const out = new Kind(n);
  for (let k = 0; k < n; k++) out[k] = out instanceof Float32Array ? view.getFloat32(4 * k, true) : view.getUint32(4 * k, true);
  return out;
}
