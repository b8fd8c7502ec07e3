import type { Announcer } from './announcer.js'
import { byId } from './dom.js'
import { t } from './i18n.js'

/** The countdown is read out at its start and once more when this many seconds are left: not every second. */
const LAST_CALL_SECONDS = 10

/**
 * "Are you still there?" with a visible countdown. The deadline comes from the server (endsAt against the
 * server's own now), so a skewed browser clock does not shorten or stretch it.
 */
export class IdleBanner {
  private readonly box = byId('wh-idle')
  private readonly text = byId('wh-idle-text')
  private readonly seconds = byId('wh-idle-seconds')
  private timer: ReturnType<typeof setInterval> | undefined
  private line: HTMLElement | undefined

  constructor (private readonly announcer: Announcer) {}

  /** `line`: the prompt's own line in the transcript, which counts down too. */
  show (endsAt: number, serverNow: number, text: string, line?: HTMLElement): void {
    const deadline = performance.now() + Math.max(0, endsAt - serverNow)
    this.text.textContent = text
    this.line = line
    // said at the start (below); said again once, when the last LAST_CALL_SECONDS begin
    let lastCalled = false
    let first = true
    const tick = (): void => {
      const left = Math.max(0, Math.ceil((deadline - performance.now()) / 1000))
      this.seconds.textContent = String(left)
      if (this.line !== undefined) this.line.textContent = t('endsInShort', { seconds: left })
      if (!lastCalled && left <= LAST_CALL_SECONDS && left > 0) {
        lastCalled = true
        if (!first) this.announcer.say(t('endsIn', { seconds: left }))
      }
      if (left === 0) this.stopTimer()
    }
    this.stopTimer()
    tick()
    this.announcer.say(`${text} ${t('endsIn', { seconds: this.seconds.textContent ?? '' })}`)
    first = false
    this.timer = setInterval(tick, 250)
    this.box.hidden = false
  }

  hide (): void {
    this.stopTimer()
    this.box.hidden = true
    if (this.line !== undefined) this.line.textContent = ''
    this.line = undefined
  }

  get visible (): boolean { return !this.box.hidden }

  private stopTimer (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }
}
