import { Counter, type Registry } from 'prom-client'
import type { RetentionCounts } from './retention.js'
import type { ErasureReport } from './erasure.js'

/** What retention purged and how many erasures ran, on the hub's registry. */
export class PrivacyMetrics {
  private readonly purged: Counter<'kind'>
  private readonly erasures: Counter

  constructor (registry: Registry) {
    this.purged = new Counter({ name: 'byoc_privacy_purged_total', help: 'Records the retention job purged (privacy.retention), by kind', labelNames: ['kind'], registers: [registry] })
    this.erasures = new Counter({ name: 'byoc_privacy_erasures_total', help: 'Customers erased (right to be forgotten) through the admin API', registers: [registry] })
  }

  onPurged (counts: RetentionCounts): void {
    for (const [kind, n] of Object.entries(counts)) this.purged.inc({ kind }, n)
  }

  onErased (_report: ErasureReport): void {
    this.erasures.inc()
  }
}
