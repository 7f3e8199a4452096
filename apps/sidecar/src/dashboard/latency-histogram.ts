/**
 * @module A compact latency histogram: counts per log-scale bucket (8 per doubling, so a
 * percentile is within ±4.4% of the true value), plus the exact min and max, which clamp the
 * estimate (one call in a second reports its own latency exactly). Sparse: a second of calls
 * that all took about the same time holds one or two buckets, never the samples themselves.
 */

const LOWEST_MS = 0.01;
const PER_DOUBLING = 8;

export function bucketOf(ms: number): number {
  return ms <= LOWEST_MS ? 0 : Math.ceil(Math.log2(ms / LOWEST_MS) * PER_DOUBLING);
}

/** The geometric middle of a bucket. */
function middleOf(bucket: number): number {
  return bucket === 0 ? LOWEST_MS : LOWEST_MS * 2 ** ((bucket - 0.5) / PER_DOUBLING);
}

export class LatencyHistogram {
  readonly counts = new Map<number, number>();
  total = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  add(ms: number): void {
    const value = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const bucket = bucketOf(value);
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  merge(other: LatencyHistogram): void {
    for (const [bucket, count] of other.counts)
      this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + count);
    this.total += other.total;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  clear(): void {
    this.counts.clear();
    this.total = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
  }

  /** The q-quantile (0 < q ≤ 1) in ms, rounded to µs; null when empty. */
  quantile(q: number): number | null {
    if (this.total === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.total));
    const buckets = [...this.counts.keys()].sort((a, b) => a - b);
    let seen = 0;
    let found = buckets[buckets.length - 1] ?? 0;
    for (const bucket of buckets) {
      seen += this.counts.get(bucket) ?? 0;
      if (seen >= rank) {
        found = bucket;
        break;
      }
    }
    const estimate = Math.min(this.max, Math.max(this.min, middleOf(found)));
    return Math.round(estimate * 1000) / 1000;
  }
}
