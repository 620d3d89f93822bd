// Seeded synthetic "embeddings": a mixture of clusters, each a random direction plus a random
// low-dimensional subspace (what real embeddings of related texts look like: few directions of
// variation per topic), plus isotropic noise in all dimensions. Cluster sizes are log-normal,
// so some topics are much bigger than others. The same seed gives the same vectors everywhere.
import { splitmix32 } from '../../src/ml/lsh-hash';

/** Standard normal samples from a seeded uniform source (Box–Muller). */
export function gaussian(next: () => number): () => number {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    const u = (next() + 1) / 4294967297; // in (0, 1): log(0) never happens
    const v = next() / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

export interface ClusteredOptions {
  dim?: number;
  clusters?: number;
  /** Dimensions of variation inside a cluster. */
  latentDims?: number;
  /** Expected norm of the in-cluster offset, drawn per cluster from [min, max] (centres have norm 1). */
  spread?: [number, number];
  /** Expected norm of the isotropic noise. */
  noise?: number;
  seed?: number;
}

export const VECTOR_DEFAULTS: Required<ClusteredOptions> = {
  dim: 256,
  clusters: 1000,
  latentDims: 16,
  spread: [0.5, 1.0],
  noise: 0.3,
  seed: 20240601,
};

export class ClusteredGenerator {
  readonly options: Required<ClusteredOptions>;
  private readonly normal: () => number;
  private readonly next: () => number;
  private readonly centres: Float32Array;
  private readonly bases: Float32Array; // cluster c: latentDims rows of dim, scaled by its spread
  private readonly cumulative: Float64Array;

  constructor(options: ClusteredOptions = {}) {
    const o = (this.options = { ...VECTOR_DEFAULTS, ...options });
    this.next = splitmix32(o.seed);
    this.normal = gaussian(this.next);
    const { dim, clusters, latentDims } = o;
    this.centres = new Float32Array(clusters * dim);
    this.bases = new Float32Array(clusters * latentDims * dim);
    this.cumulative = new Float64Array(clusters);
    let total = 0;
    for (let c = 0; c < clusters; c++) {
      const centre = this.centres.subarray(c * dim, (c + 1) * dim);
      let norm = 0;
      for (let i = 0; i < dim; i++) norm += (centre[i] = this.normal()) ** 2;
      for (let i = 0; i < dim; i++) centre[i] /= Math.sqrt(norm);
      const spread = o.spread[0] + (o.spread[1] - o.spread[0]) * (this.next() / 2 ** 32);
      // Each basis row has expected norm spread/√latentDims, so the offset has expected norm ≈ spread.
      const scale = spread / Math.sqrt(latentDims * dim);
      const basis = this.bases.subarray(c * latentDims * dim, (c + 1) * latentDims * dim);
      for (let i = 0; i < basis.length; i++) basis[i] = this.normal() * scale;
      total += Math.exp(this.normal()); // log-normal cluster weight
      this.cumulative[c] = total;
    }
    for (let c = 0; c < clusters; c++) this.cumulative[c] /= total;
  }

  /** The next `count` vectors, row-major in one Float32Array (count × dim), shared with workers if asked. */
  take(count: number, shared = false): Float32Array {
    const { dim, latentDims, noise } = this.options;
    const bytes = count * dim * 4;
    const out = new Float32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    const z = new Float64Array(latentDims);
    const noiseScale = noise / Math.sqrt(dim);
    for (let n = 0; n < count; n++) {
      const c = this.pickCluster();
      const row = out.subarray(n * dim, (n + 1) * dim);
      for (let i = 0; i < dim; i++) row[i] = this.centres[c * dim + i] + this.normal() * noiseScale;
      for (let l = 0; l < latentDims; l++) z[l] = this.normal();
      const base = c * latentDims * dim;
      for (let l = 0; l < latentDims; l++) {
        const off = base + l * dim;
        const zl = z[l];
        for (let i = 0; i < dim; i++) row[i] += zl * this.bases[off + i];
      }
    }
    return out;
  }

  private pickCluster(): number {
    const u = this.next() / 2 ** 32;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** Exact cosine top-k of each query against data (both row-major, dim columns): ids of the k best. */
export function exactTopK(data: Float32Array, queries: Float32Array, dim: number, k: number, from = 0, to?: number): Int32Array {
  const n = data.length / dim;
  const q = queries.length / dim;
  const end = to ?? q;
  const norms = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[i * dim + d] * data[i * dim + d];
    norms[i] = s > 0 ? 1 / Math.sqrt(s) : 0;
  }
  const out = new Int32Array((end - from) * k).fill(-1);
  // Blocks of queries share each pass over the data, so it is read from memory once per block.
  const BLOCK = 8;
  for (let q0 = from; q0 < end; q0 += BLOCK) {
    const q1 = Math.min(end, q0 + BLOCK);
    const scores = Array.from({ length: q1 - q0 }, () => new Float64Array(k).fill(-Infinity));
    const ids = Array.from({ length: q1 - q0 }, () => new Int32Array(k).fill(-1));
    for (let i = 0; i < n; i++) {
      const off = i * dim;
      for (let j = q0; j < q1; j++) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        const qo = j * dim;
        for (let d = 0; d < dim; d += 4) {
          s0 += data[off + d] * queries[qo + d];
          s1 += data[off + d + 1] * queries[qo + d + 1];
          s2 += data[off + d + 2] * queries[qo + d + 2];
          s3 += data[off + d + 3] * queries[qo + d + 3];
        }
        const s = (s0 + s1 + s2 + s3) * norms[i];
        const sc = scores[j - q0];
        if (s <= sc[k - 1]) continue;
        const id = ids[j - q0];
        let p = k - 1;
        while (p > 0 && sc[p - 1] < s) {
          sc[p] = sc[p - 1];
          id[p] = id[p - 1];
          p--;
        }
        sc[p] = s;
        id[p] = i;
      }
    }
    for (let j = q0; j < q1; j++) out.set(ids[j - q0], (j - from) * k);
  }
  return out;
}
