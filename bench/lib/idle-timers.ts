import { percentiles } from './probes.js'

/**
 * The baseline's idle rule: one Map entry and one setTimeout per conversation (warning, then countdown, then
 * close), lateness measured against when each was due. What a minimal in-memory relay would do.
 */
export class IdleTimers {
  private readonly conversations = new Map<string, { lastActivityAt: number, timer: NodeJS.Timeout }>()
  private settings: { timeoutMs: number, countdownMs: number } | undefined
  private warningLate: number[] = []
  private closeLate: number[] = []

  configure (s: { timeoutMs: number, countdownMs: number } | null): void {
    this.settings = s ?? undefined
    this.warningLate = []
    this.closeLate = []
  }

  activity (threadId: string): void {
    const s = this.settings
    if (!s) return
    const now = Date.now()
    const existing = this.conversations.get(threadId)
    if (existing) clearTimeout(existing.timer)
    const due = now + s.timeoutMs
    const conv = { lastActivityAt: now, timer: setTimeout(() => this.warn(threadId, due, s.countdownMs), s.timeoutMs) }
    this.conversations.set(threadId, conv)
  }

  private warn (threadId: string, due: number, countdownMs: number): void {
    const now = Date.now()
    this.warningLate.push(now - due)
    const conv = this.conversations.get(threadId)
    if (!conv) return
    const endsAt = now + countdownMs
    conv.timer = setTimeout(() => {
      this.closeLate.push(Date.now() - endsAt)
      this.conversations.delete(threadId)
    }, countdownMs)
  }

  report (): { warning: ReturnType<typeof percentiles>, close: ReturnType<typeof percentiles> } {
    return { warning: percentiles(this.warningLate), close: percentiles(this.closeLate) }
  }
}
