import type { Counter, Metric, Registry } from 'prom-client'

type Labels = Readonly<{ method: string, route: string, status_code: string }>

/** One labelled series: its bucket counts (not cumulative), sum and count, and its over-budget counter child. */
interface Series {
  readonly labels: Labels
  readonly counts: Float64Array
  sum: number
  count: number
  readonly overBudget: ReturnType<Counter<'method' | 'route'>['labels']>
}

export interface RequestHistogramOptions {
  name: string
  help: string
  buckets: readonly number[]
  registers: Registry[]
  /** byoc_http_requests_over_budget_total: one child per method and route, resolved with the series */
  overBudget: Counter<'method' | 'route'>
  budgetSeconds: number
}

/**
 * byoc_http_request_duration_seconds, observed with no allocation per request: prom-client's Histogram builds a
 * label object and a hash string on every observe, even through a `labels(...)` child. Here each (route, method,
 * status) series is resolved once, in maps keyed by the values Fastify already holds (the route pattern, the method
 * and the numeric status), and an observation adds to numbers. The text Prometheus scrapes is prom-client's own
 * (registered in the same registry, rendered by it): same name, help, labels, buckets, _sum and _count.
 */
export class RequestHistogram {
  readonly name: string
  readonly help: string
  readonly type = 'histogram'
  readonly aggregator = 'sum'
  private readonly buckets: readonly number[]
  private readonly series = new Map<string, Map<string, Map<number, Series>>>()
  private readonly overBudget: Counter<'method' | 'route'>
  private readonly budgetSeconds: number

  constructor (opts: RequestHistogramOptions) {
    this.name = opts.name
    this.help = opts.help
    this.buckets = [...opts.buckets].sort((a, b) => a - b)
    this.overBudget = opts.overBudget
    this.budgetSeconds = opts.budgetSeconds
    // prom-client's registry reads a metric through name/help/type/get(): the structural contract its own metrics use
    for (const r of opts.registers) r.registerMetric(this as unknown as Metric)
  }

  observe (method: string, route: string, statusCode: number, seconds: number): void {
    const s = this.seriesFor(method, route, statusCode)
    s.sum += seconds
    s.count++
    const b = this.buckets
    for (let i = 0; i < b.length; i++) {
      if (seconds <= b[i]!) { s.counts[i]!++; break }
    }
    if (seconds > this.budgetSeconds) s.overBudget.inc()
  }

  private seriesFor (method: string, route: string, statusCode: number): Series {
    let byMethod = this.series.get(route)
    if (byMethod === undefined) this.series.set(route, byMethod = new Map())
    let byStatus = byMethod.get(method)
    if (byStatus === undefined) byMethod.set(method, byStatus = new Map())
    let s = byStatus.get(statusCode)
    if (s === undefined) {
      s = {
        labels: Object.freeze({ method, route, status_code: String(statusCode) }),
        counts: new Float64Array(this.buckets.length),
        sum: 0,
        count: 0,
        overBudget: this.overBudget.labels(method, route)
      }
      byStatus.set(statusCode, s)
    }
    return s
  }

  private * all (): Generator<Series> {
    for (const byMethod of this.series.values()) for (const byStatus of byMethod.values()) yield * byStatus.values()
  }

  /** What prom-client's Histogram gives its registry for the text format: buckets cumulative, then +Inf, sum, count. */
  getForPromString (): { name: string, help: string, type: string, aggregator: string, values: Array<Record<string, unknown>> } {
    const values: Array<Record<string, unknown>> = []
    const bucketName = `${this.name}_bucket`
    for (const s of this.all()) {
      let acc = 0
      this.buckets.forEach((le, i) => {
        acc += s.counts[i]!
        values.push({ labels: { le }, sharedLabels: s.labels, value: acc, metricName: bucketName })
      })
      values.push({ labels: { le: '+Inf' }, sharedLabels: s.labels, value: s.count, metricName: bucketName })
      values.push({ labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.name}_sum` })
      values.push({ labels: {}, sharedLabels: s.labels, value: s.count, metricName: `${this.name}_count` })
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values }
  }

  /** The JSON form (registry.getMetricsAsJSON, cluster aggregation): labels and shared labels in one object. */
  get (): { name: string, help: string, type: string, aggregator: string, values: Array<Record<string, unknown>> } {
    const data = this.getForPromString()
    data.values = data.values.map(({ labels, sharedLabels, ...rest }) => ({ ...rest, labels: { ...(labels as object), ...(sharedLabels as object) } }))
    return data
  }

  /** registry.resetMetrics() */
  reset (): void { this.series.clear() }
}
