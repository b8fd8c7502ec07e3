import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Store } from '../store/types.js'
import type { ChannelNames } from './footprint.js'
import type { PrivacyMetrics } from './metrics.js'
import { purgeExpired, type RetentionCounts } from './retention.js'

export interface RetentionLoopOptions {
  readonly retentionMs: number
  readonly intervalMs: number
  readonly channels: readonly ChannelNames[]
  readonly log: FastifyBaseLogger
  readonly metrics?: PrivacyMetrics | undefined
}

const LEASE = 'privacy-retention'

/**
 * Runs retention (retention.ts) every privacy.retentionInterval. One instance at a time holds the lease for a
 * round, so several hubs on one store do not purge the same rows twice; a round's failure is logged and the next
 * round tries again.
 */
export class RetentionLoop {
  private timer: NodeJS.Timeout | undefined
  private round: Promise<RetentionCounts | undefined> | undefined
  private readonly owner = `retention-${randomUUID()}`

  constructor (private readonly store: Store, private readonly o: RetentionLoopOptions) {}

  start (): void {
    this.timer = setInterval(() => { void this.runOnce() }, this.o.intervalMs)
    this.timer.unref()
    void this.runOnce()
  }

  /** One round, unless another instance holds the lease (undefined) or one is running here (that one's result). */
  runOnce (now = Date.now()): Promise<RetentionCounts | undefined> {
    this.round ??= this.run(now).finally(() => { this.round = undefined })
    return this.round
  }

  private async run (now: number): Promise<RetentionCounts | undefined> {
    try {
      if (!await this.store.tryLease(LEASE, this.owner, this.o.intervalMs, now)) return undefined
      const counts = await purgeExpired(this.store, { retentionMs: this.o.retentionMs, channels: this.o.channels, now })
      this.o.metrics?.onPurged(counts)
      if (Object.values(counts).some(n => n > 0)) this.o.log.info({ purged: counts }, 'retention: purged what privacy.retention no longer keeps')
      return counts
    } catch (err) {
      this.o.log.warn({ err }, 'retention round failed; the next round tries again')
      return undefined
    }
  }

  async stop (): Promise<void> {
    clearInterval(this.timer)
    await this.round
    await this.store.releaseLease(LEASE, this.owner).catch(() => {})
  }
}
