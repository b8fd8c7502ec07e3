import { Gauge } from 'prom-client'
import type { ConversationsPort, OutboxPort, TimersPort } from '../store/types.js'
import type { EventBus } from '../live/event-bus.js'
import { checkReadiness, type Readiness } from './health.js'
import type { HubMetrics } from './metrics.js'

export interface GaugeSources {
  store: OutboxPort & TimersPort & ConversationsPort
  bus: EventBus
  /** the configured channel ids: the only values the channel label takes */
  channelIds: () => string[]
  readiness: Readiness
}

interface StoreSample {
  outbox: { pending: number, dead: number, oldestPendingAgeMs: number }
  openThreads: Map<string, number>
  timers: number
}
interface Snapshot {
  /** undefined while the store is unreachable: its gauges then keep their last values (byoc_ready says why) */
  store?: StoreSample
  sockets: Map<string, number>
  ready: { ready: boolean, checks: Record<string, string> }
}

/**
 * Gauges sampled at scrape time from the store and the event bus. One snapshot serves every gauge of a scrape and
 * is kept for `cacheMs`, so several Prometheus servers (or a fast scrape interval) do not each hit the store.
 */
export function registerSampledGauges (metrics: HubMetrics, src: GaugeSources, cacheMs = 2000): void {
  let cached: { at: number, value: Promise<Snapshot> } | undefined
  const snapshot = (): Promise<Snapshot> => {
    const now = Date.now()
    if (!cached || now - cached.at >= cacheMs) {
      const value = takeSnapshot(src)
      cached = { at: now, value }
      value.catch(() => { if (cached?.value === value) cached = undefined })
    }
    return cached.value
  }
  const registers = [metrics.registry]
  const gauge = <L extends string>(name: string, help: string, labelNames: L[], fill: (g: Gauge<L>, s: Snapshot) => void): void => {
    new Gauge<L>({ // eslint-disable-line no-new -- a prom-client metric registers itself in `registers`
      name, help, labelNames, registers,
      async collect () { fill(this, await snapshot()) }
    })
  }
  const fromStore = <L extends string>(name: string, help: string, labelNames: L[], fill: (g: Gauge<L>, s: StoreSample) => void): void =>
    gauge(name, help, labelNames, (g, s) => {
      if (!s.store) return
      if (labelNames.length > 0) g.reset()
      fill(g, s.store)
    })
  fromStore('byoc_outbox_pending_jobs', 'Outbox depth: jobs waiting to run (including ones waiting to retry)', [], (g, s) => g.set(s.outbox.pending))
  fromStore('byoc_outbox_oldest_pending_age_seconds', 'Age of the oldest job still waiting in the outbox', [], (g, s) => g.set(s.outbox.oldestPendingAgeMs / 1000))
  fromStore('byoc_outbox_dead_letter_jobs', 'Dead letters kept in the store, waiting for replay', [], (g, s) => g.set(s.outbox.dead))
  fromStore('byoc_idle_timers_pending', 'Conversation idle timers set and not yet fired', [], (g, s) => g.set(s.timers))
  fromStore('byoc_conversations_active', 'Open conversations (threads), by channel', ['channel'], (g, s) => {
    for (const [channel, n] of s.openThreads) g.set({ channel }, n)
  })
  gauge('byoc_websocket_connections', 'Live customer connections on this instance, by channel', ['channel'], (g, s) => {
    g.reset()
    for (const [channel, n] of s.sockets) g.set({ channel }, n)
  })
  gauge('byoc_ready', '1 when /health/ready answers 200 (store reachable, CXone token obtainable, not draining)', [], (g, s) => g.set(s.ready.ready ? 1 : 0))
  gauge('byoc_readiness_check', 'Each readiness check: 1 ok, 0 failing', ['check'], (g, s) => {
    g.reset()
    for (const [check, v] of Object.entries(s.ready.checks)) g.set({ check }, v === 'ok' ? 1 : 0)
  })
}

async function takeSnapshot (src: GaugeSources): Promise<Snapshot> {
  const channels = src.channelIds()
  const ready = await checkReadiness(src.readiness)
  const bySocket = src.bus.localSubscriptions()
  const sockets = new Map(channels.map(c => [c, bySocket.get(c) ?? 0]))
  // the store being down must not fail the scrape: byoc_ready says so, and the store's gauges keep their last values
  if (ready.checks.store !== 'ok') return { sockets, ready }
  try {
    const [outbox, timers, open] = await Promise.all([
      src.store.outboxStats(),
      src.store.countTimers(),
      Promise.all(channels.map(async c => [c, await src.store.countOpenThreads(c)] as const))
    ])
    return { store: { outbox, openThreads: new Map(open), timers }, sockets, ready }
  } catch {
    return { sockets, ready }
  }
}
