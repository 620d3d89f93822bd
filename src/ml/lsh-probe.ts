// Candidates by code for the LSH index (lsh.ts): the query's code, the band tables' buckets visited
// in query-directed probe rounds, every live slot for a scan, and the candidates ordered by
// Hamming distance to the query's code (counting sort: distances are small integers).
import { grown } from './lsh-arena';
import type { SlotCodes } from './lsh-codes';
import { hamming, packSigns } from './lsh-hash';
import { MAX_PROBES, type LshOptions } from './lsh-options';
import { ProbeSequencer, bandKey } from './lsh-tables';

export class CodeSearch {
  readonly proj: Float64Array;
  readonly qcode: Uint32Array;
  /** Candidate slots, filled by probeTables / allSlots (or by callers, see candidates()). */
  cand = new Uint32Array(1024);
  private dist = new Uint16Array(1024);
  private ordered = new Uint32Array(1024);
  private readonly histogram: Uint32Array;
  private readonly prober: ProbeSequencer;
  private readonly keys: Uint32Array; // table t's probe sequence at [t * MAX_PROBES, …)
  private readonly counts: Uint32Array;
  private stamp: Uint32Array;
  private epoch = 0;

  constructor(private readonly o: Required<LshOptions>, capacity: number) {
    this.proj = new Float64Array(o.codeBits);
    this.qcode = new Uint32Array(o.codeBits >>> 5);
    this.histogram = new Uint32Array(o.codeBits + 2);
    this.prober = new ProbeSequencer(o.bandBits, MAX_PROBES);
    this.keys = new Uint32Array(o.tables * MAX_PROBES);
    this.counts = new Uint32Array(o.tables);
    this.stamp = new Uint32Array(capacity);
  }

  /** Codes the prepared query, given its projections. */
  encodeQuery(project: (out: Float64Array) => void): void {
    project(this.proj);
    packSigns(this.proj, this.o.codeBits, this.qcode, 0);
  }

  /** The candidate buffer, with room for at least n slots. */
  candidates(n: number): Uint32Array {
    if (n > this.cand.length) {
      const size = Math.max(n, this.cand.length * 2);
      this.cand = grown(this.cand, size);
      this.dist = new Uint16Array(size);
      this.ordered = new Uint32Array(size);
    }
    return this.cand;
  }

  /**
   * Unique slots in the probed buckets (into cand; returns how many). Buckets are visited in
   * rounds, the p-th best probe of every table in round p, until `probes` rounds are done or,
   * after a round, at least `enough` candidates were found, so sparse regions get more probes.
   */
  probeTables(codes: SlotCodes, probes: number, enough: number): number {
    const o = this.o;
    const epoch = this.nextEpoch();
    const { tables } = codes;
    const lists = tables.lists;
    const { keys, counts, stamp } = this;
    let rounds = 0;
    for (let t = 0; t < o.tables; t++) {
      const start = t * o.bandBits;
      const home = bandKey(this.qcode, 0, start, o.bandBits);
      counts[t] = this.prober.sequence(home, this.proj, start, probes, keys.subarray(t * MAX_PROBES));
      rounds = Math.max(rounds, counts[t]);
    }
    let n = 0;
    for (let p = 0; p < rounds && !(enough > 0 && n >= enough); p++) {
      for (let t = 0; t < o.tables; t++) {
        if (p >= counts[t]) continue;
        const list = t * tables.buckets + keys[t * MAX_PROBES + p];
        const size = lists.size(list);
        if (size === 0) continue;
        const cand = this.candidates(n + size);
        const items = lists.data; // stride 1: the entries are the slots
        const off = lists.offset(list);
        for (let i = off; i < off + size; i++) {
          const s = items[i];
          if (stamp[s] === epoch) continue;
          stamp[s] = epoch;
          cand[n++] = s;
        }
      }
    }
    return n;
  }

  /** Every slot below upTo with live[slot] === 1 (into cand; returns how many). */
  allSlots(live: Uint8Array, upTo: number): number {
    const cand = this.candidates(upTo);
    let n = 0;
    for (let s = 0; s < upTo; s++) if (live[s] === 1) cand[n++] = s;
    return n;
  }

  /** The first n candidates ordered by Hamming distance to the query's code (stable). */
  orderByHamming(codes: SlotCodes, n: number): Uint32Array {
    const { cand, dist, histogram, qcode, ordered } = this;
    const { words } = codes;
    const code = codes.codes;
    const bits = this.o.codeBits;
    histogram.fill(0);
    for (let i = 0; i < n; i++) {
      const d = hamming(qcode, 0, code, cand[i] * words, words);
      dist[i] = d;
      histogram[d + 1]++;
    }
    for (let d = 1; d <= bits + 1; d++) histogram[d] += histogram[d - 1];
    for (let i = 0; i < n; i++) ordered[histogram[dist[i]]++] = cand[i];
    return ordered;
  }

  grow(capacity: number): void {
    this.stamp = grown(this.stamp, capacity);
  }

  memoryBytes(): number {
    return this.stamp.byteLength;
  }

  private nextEpoch(): number {
    if (++this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }
}
