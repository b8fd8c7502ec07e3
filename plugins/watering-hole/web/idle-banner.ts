import { byId } from './dom.js'

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

  /** `line`: the prompt's own line in the transcript, which counts down too. */
  show (endsAt: number, serverNow: number, text: string, line?: HTMLElement): void {
    const deadline = performance.now() + Math.max(0, endsAt - serverNow)
    this.text.textContent = text
    this.line = line
    const tick = (): void => {
      const left = Math.max(0, Math.ceil((deadline - performance.now()) / 1000))
      this.seconds.textContent = String(left)
      if (this.line !== undefined) this.line.textContent = `This chat ends in ${left} s`
      if (left === 0) this.stopTimer()
    }
    this.stopTimer()
    tick()
    this.timer = setInterval(tick, 250)
    this.box.hidden = false
  }

  hide (): void {
    this.stopTimer()
    this.box.hidden = true
    if (this.line !== undefined) this.line.textContent = ''
    this.line = undefined
  }

  private stopTimer (): void {
    if (this.timer !== undefined) clearInterval(this.timer)
    this.timer = undefined
  }
}
