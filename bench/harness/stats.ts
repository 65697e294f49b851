// Percentiles and timing loops shared by the measurements: per-operation latencies from
// small timed batches (a clock read costs about as much as an in-process rendezvous, so
// single operations cannot be timed one by one) and throughput over the whole budget.

export interface Sampled {
  readonly perSecond: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly samples: number;
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export function summarize(latenciesUs: number[], operations: number, elapsedMs: number): Sampled {
  latenciesUs.sort((a, b) => a - b);
  return {
    perSecond: elapsedMs > 0 ? (operations / elapsedMs) * 1000 : 0,
    p50Us: quantile(latenciesUs, 0.5),
    p99Us: quantile(latenciesUs, 0.99),
    samples: operations,
  };
}

const now = (): number => performance.now();

/**
 * A uniform sample of at most `size` latencies (reservoir sampling), so that a long run
 * of short operations does not grow the measuring process by its own samples.
 */
export class Reservoir {
  private readonly data: Float64Array;
  private seen = 0;
  private rng = 0x9e3779b9;
  constructor(readonly size = 100_000) {
    this.data = new Float64Array(size);
  }
  add(v: number): void {
    if (this.seen < this.size) this.data[this.seen] = v;
    else {
      // xorshift32: cheap, and good enough to pick which sample to replace.
      this.rng ^= this.rng << 13;
      this.rng ^= this.rng >>> 17;
      this.rng ^= this.rng << 5;
      const j = (this.rng >>> 0) % (this.seen + 1);
      if (j < this.size) this.data[j] = v;
    }
    this.seen++;
  }
  values(): number[] {
    return Array.from(this.data.subarray(0, Math.min(this.seen, this.size)));
  }
}

/**
 * Runs `batch(count)` (which performs `count` operations) repeatedly for `budgetMs`,
 * after a warm-up of a tenth of it. Each batch of `batchSize` yields one latency sample,
 * its mean per operation.
 */
export function sampleSync(batch: (count: number) => void, budgetMs: number, batchSize = 64): Sampled {
  const warmEnd = now() + budgetMs / 10;
  while (now() < warmEnd) batch(batchSize);
  const lat = new Reservoir();
  let ops = 0;
  const t0 = now();
  const end = t0 + budgetMs;
  let t = t0;
  while (t < end) {
    batch(batchSize);
    const t1 = now();
    lat.add(((t1 - t) * 1000) / batchSize);
    ops += batchSize;
    t = t1;
  }
  return summarize(lat.values(), ops, t - t0);
}

/** As sampleSync, for operations that complete asynchronously. */
export async function sampleAsync(batch: (count: number) => Promise<void>, budgetMs: number, batchSize = 64): Promise<Sampled> {
  const warmEnd = now() + budgetMs / 10;
  while (now() < warmEnd) await batch(batchSize);
  const lat = new Reservoir();
  let ops = 0;
  const t0 = now();
  const end = t0 + budgetMs;
  let t = t0;
  while (t < end) {
    await batch(batchSize);
    const t1 = now();
    lat.add(((t1 - t) * 1000) / batchSize);
    ops += batchSize;
    t = t1;
  }
  return summarize(lat.values(), ops, t - t0);
}

/** Formats a duration in microseconds with a unit that keeps 2-3 significant digits. */
export function formatUs(us: number): string {
  if (!Number.isFinite(us)) return "-";
  if (us < 1) return `${(us * 1000).toPrecision(3)} ns`;
  if (us < 1000) return `${us.toPrecision(3)} µs`;
  return `${(us / 1000).toPrecision(3)} ms`;
}

export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "-";
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toPrecision(3)} M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toPrecision(3)} k/s`;
  return `${perSecond.toPrecision(3)} /s`;
}

export function formatBytes(b: number): string {
  if (!Number.isFinite(b)) return "-";
  if (b >= 2 ** 30) return `${(b / 2 ** 30).toFixed(1)} GiB`;
  if (b >= 1 << 20) return `${(b / (1 << 20)).toFixed(1)} MiB`;
  if (b >= 1 << 10) return `${(b / (1 << 10)).toFixed(1)} KiB`;
  return `${b} B`;
}

export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return "-";
  return r >= 100 ? `${r.toFixed(0)}x` : r >= 10 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`;
}
