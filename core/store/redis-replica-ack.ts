import type { Redis } from 'ioredis'
import { hubError, type HubError } from '../errors.js'

/**
 * How long a write waits for its replicas. The hub answers within a 500 ms budget; a healthy replica on the same
 * network confirms in about a round trip (< 5 ms), so 200 ms is generous for a replica under load, and leaves room
 * for the case where this write queued behind another WAIT that ran out (they share one connection, and Redis
 * serves a blocked client's next commands only after WAIT returns): 2 × 200 ms plus the writes stays under 500 ms.
 */
export const REPLICA_ACK_TIMEOUT_MS = 200

interface Batch { stream: unknown, confirmed: Promise<number>, settle: (n: number) => void, fail: (err: unknown) => void }

/**
 * Redis replicates asynchronously: a write acked by the primary can vanish if the primary dies before a replica has
 * it. `confirmed(write)` runs the write, then `WAIT n timeout`, and throws a 503 (the caller retries; dedupe makes
 * the retry harmless) when fewer than n replicas confirm.
 *
 * Group commit: WAIT covers every write the same connection sent before it, so all writes that finish within one
 * turn of the event loop share one WAIT, issued after the last of them has its reply (so it was surely sent after
 * them). A WAIT only counts for the connection it runs on: a write whose connection was replaced (a reconnect, a
 * failover) before its WAIT went out is not confirmed.
 */
export class ReplicaAck {
  private next: Batch | undefined

  constructor (private readonly redis: Redis, readonly replicas: number, private readonly timeoutMs = REPLICA_ACK_TIMEOUT_MS) {}

  async confirmed<T> (write: () => Promise<T>): Promise<T> {
    if (this.replicas <= 0) return write()
    const stream = this.redis.stream
    const result = await write()
    if (this.redis.stream !== stream) throw unconfirmed('the connection was replaced before replication was confirmed')
    const acks = await this.join(stream)
    if (acks < this.replicas) throw unconfirmed(`${acks} of ${this.replicas} replicas confirmed within ${this.timeoutMs} ms`)
    return result
  }

  private join (stream: unknown): Promise<number> {
    if (this.next && this.next.stream !== stream) throw unconfirmed('the connection was replaced before replication was confirmed')
    this.next ??= this.openBatch(stream)
    return this.next.confirmed
  }

  private openBatch (stream: unknown): Batch {
    let settle!: (n: number) => void
    let fail!: (err: unknown) => void
    const confirmed = new Promise<number>((resolve, reject) => { settle = resolve; fail = reject })
    const batch: Batch = { stream, confirmed, settle, fail }
    setImmediate(() => {
      if (this.next === batch) this.next = undefined
      if (this.redis.stream !== stream) return batch.fail(unconfirmed('the connection was replaced before replication was confirmed'))
      this.redis.wait(this.replicas, this.timeoutMs).then(n => batch.settle(Number(n)), err => batch.fail(unconfirmed('WAIT failed', err)))
    })
    return batch
  }
}

function unconfirmed (detail: string, cause?: unknown): HubError {
  return hubError('STORE_UNAVAILABLE', `write not replicated: ${detail}`, cause !== undefined ? { cause } : undefined)
}
