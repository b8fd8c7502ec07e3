/**
 * Sends isTypingOn when the agent starts typing and isTypingOff after a pause, so a burst of keystrokes
 * costs two calls (CXone's per-contact throttles make chatty typing events expensive).
 */
export class TypingNotifier {
  private on = false
  private timer: ReturnType<typeof setTimeout> | undefined
  private threadId: string | undefined

  constructor (private readonly send: (threadId: string, action: 'isTypingOn' | 'isTypingOff') => Promise<void>, private readonly pauseMs = 2500) {}

  keystroke (threadId: string): void {
    if (this.threadId !== threadId) this.stop()
    this.threadId = threadId
    if (!this.on) {
      this.on = true
      this.fire(threadId, 'isTypingOn')
    }
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.stop(), this.pauseMs)
  }

  /** after a pause, on send, or when the agent switches conversation */
  stop (): void {
    clearTimeout(this.timer)
    if (this.on && this.threadId) this.fire(this.threadId, 'isTypingOff')
    this.on = false
  }

  private fire (threadId: string, action: 'isTypingOn' | 'isTypingOff'): void {
    this.send(threadId, action).catch(() => { /* a lost typing event is harmless */ })
  }
}
