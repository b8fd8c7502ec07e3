/**
 * "A job was queued": whoever enqueues rings, the outbox worker answers by claiming at once instead of at its next
 * poll. An event rather than a reference to the worker, so the conversation core (which enqueues) is built before
 * the worker whose job handlers use it, and neither holds a slot to fill in later.
 */
export class OutboxDoorbell {
  private readonly answers: Array<() => void> = []

  ring (): void {
    for (const answer of this.answers) answer()
  }

  answer (listener: () => void): void {
    this.answers.push(listener)
  }
}
