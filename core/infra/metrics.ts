import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { CxoneHooks } from '../cxone/wiring.js'
import { RequestHistogram } from './request-histogram.js'

/** Resolves the 500 ms budget exactly: alert rules and dashboards read le="0.5". */
export const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
/** CXone and platform calls may run to their timeouts, so the tail goes further. */
const CALL_BUCKETS = [...REQUEST_BUCKETS, 5, 10]
/** the route label of requests no route matched (404s, scans): one series, however many URLs */
export const UNMATCHED_ROUTE = 'unmatched'
const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export interface HubMetricsOptions {
  /** the response-time budget (ms); responses slower than this count in byoc_http_requests_over_budget_total */
  budgetMs: number
  /** Node's default metrics (event loop lag, heap, GC); on unless a test wants a small registry */
  defaultMetrics?: boolean
  version?: string
}

/**
 * Every instrument the hub records, on a private registry (never prom-client's global one, so two hubs in one
 * process, or a plugin using prom-client itself, cannot collide). Names are byoc_*, base units (seconds, bytes),
 * counters end in _total, and every label has a bounded set of values.
 */
export class HubMetrics {
  readonly registry = new Registry()
  readonly budgetSeconds: number

  readonly httpDuration: RequestHistogram
  readonly overBudget: Counter<'method' | 'route'>
  readonly cxoneDuration: Histogram<'operation' | 'outcome' | 'tenant'>
  readonly tokenFetchDuration: Histogram<'outcome' | 'tenant'>
  readonly deliveryDuration: Histogram<'channel' | 'outcome'>
  readonly jobDuration: Histogram<'kind' | 'outcome' | 'tenant'>
  readonly retries: Counter<'kind' | 'tenant'>
  readonly deadLetters: Counter<'kind' | 'tenant'>
  readonly timerLateness: Histogram<'kind'>
  readonly tokenRequests: Counter<'outcome'>
  readonly bearerRejected: Counter

  constructor (opts: HubMetricsOptions) {
    const registers = [this.registry]
    this.budgetSeconds = opts.budgetMs / 1000
    this.overBudget = new Counter({
      name: 'byoc_http_requests_over_budget_total', help: 'Responses slower than the latency budget (metrics.latencyBudget)',
      labelNames: ['method', 'route'], registers
    })
    this.httpDuration = new RequestHistogram({
      name: 'byoc_http_request_duration_seconds', help: 'Time to answer an HTTP request, by route pattern',
      buckets: REQUEST_BUCKETS, registers, overBudget: this.overBudget, budgetSeconds: this.budgetSeconds
    })
    new Gauge({ name: 'byoc_latency_budget_seconds', help: 'The configured response-time budget', registers }).set(this.budgetSeconds)
    new Gauge({ name: 'byoc_build_info', help: 'Always 1; labels say what runs', labelNames: ['version', 'node_version'], registers })
      .set({ version: opts.version ?? 'unknown', node_version: process.version }, 1)
    this.cxoneDuration = new Histogram({
      name: 'byoc_cxone_request_duration_seconds', help: 'One HTTP attempt against CXone DFO, by operation, outcome and tenant',
      labelNames: ['operation', 'outcome', 'tenant'], buckets: CALL_BUCKETS, registers
    })
    this.tokenFetchDuration = new Histogram({
      name: 'byoc_cxone_token_fetch_duration_seconds', help: 'Fetching the hub\'s own CXone access token, by tenant',
      labelNames: ['outcome', 'tenant'], buckets: CALL_BUCKETS, registers
    })
    this.deliveryDuration = new Histogram({
      name: 'byoc_platform_delivery_duration_seconds', help: 'Delivering an agent message to the chat platform, by channel',
      labelNames: ['channel', 'outcome'], buckets: CALL_BUCKETS, registers
    })
    this.jobDuration = new Histogram({
      name: 'byoc_outbox_job_duration_seconds', help: 'One run of an outbox job, by kind, outcome (done, retry, dead) and tenant',
      labelNames: ['kind', 'outcome', 'tenant'], buckets: CALL_BUCKETS, registers
    })
    this.retries = new Counter({ name: 'byoc_outbox_retries_total', help: 'Outbox jobs that failed and were scheduled again', labelNames: ['kind', 'tenant'], registers })
    this.deadLetters = new Counter({ name: 'byoc_outbox_dead_letters_total', help: 'Outbox jobs that gave up (dead letters)', labelNames: ['kind', 'tenant'], registers })
    this.timerLateness = new Histogram({
      name: 'byoc_timer_lateness_seconds', help: 'How long after its due time a conversation timer fired',
      labelNames: ['kind'], buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30], registers
    })
    this.tokenRequests = new Counter({ name: 'byoc_auth_token_requests_total', help: 'Token requests from CXone (M1), issued or rejected', labelNames: ['outcome'], registers })
    this.bearerRejected = new Counter({ name: 'byoc_auth_bearer_rejected_total', help: 'Calls from CXone refused for a missing, expired or forged bearer token', registers })
    for (const outcome of ['issued', 'rejected']) this.tokenRequests.inc({ outcome }, 0)
    if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'byoc_' })
  }

  /** Called once per answered request; `route` is the route pattern, undefined when nothing matched. */
  observeRequest (method: string, route: string | undefined, statusCode: number, seconds: number): void {
    this.httpDuration.observe(METHODS.has(method) ? method : 'OTHER', route ?? UNMATCHED_ROUTE, statusCode, seconds)
  }

  /** One tenant's CXone calls and token fetches, labelled with it (config/tenants.ts). */
  cxoneHooksFor (tenant: string): CxoneHooks {
    return {
      onCall: (operation, ms, outcome) => this.cxoneDuration.observe({ operation, outcome, tenant }, ms / 1000),
      onTokenFetch: (outcome, ms) => this.tokenFetchDuration.observe({ outcome, tenant }, ms / 1000)
    }
  }

  /** `tenant`: the job's channel's tenant; empty for jobs of no channel (the label is then left out) */
  readonly onJobOutcome = (kind: string, outcome: 'done' | 'retry' | 'dead', ms: number, tenant = ''): void => {
    const labels = tenant ? { kind, tenant } : { kind }
    this.jobDuration.observe({ ...labels, outcome }, ms / 1000)
    if (outcome === 'retry') this.retries.inc(labels)
    if (outcome === 'dead') this.deadLetters.inc(labels)
  }

  readonly onTimerFired = (kind: string, lateMs: number): void => { this.timerLateness.observe({ kind }, lateMs / 1000) }
  readonly onTokenRequest = (outcome: 'issued' | 'rejected'): void => { this.tokenRequests.inc({ outcome }) }
  readonly onBearerRejected = (): void => { this.bearerRejected.inc() }
}
