/*
 * The leases port: a named lease has one holder at a time across instances (the thread-status poller, the CXone
 * token refresh, the Redis layout migration). It is a port of its own, not part of the documents: a lease holds no
 * data anyone reads, only who may act now, and its users otherwise need conversations (the poller) or documents
 * (the token refresh). Jobs have their own leases inside the outbox port (claimJobs), tied to each job.
 */

export interface LeasesPort {
  /** Takes or renews the lease; false while another owner holds it. `now` is injectable so tests need no clock. */
  tryLease (name: string, owner: string, ttlMs: number, now?: number): Promise<boolean>
  /** Gives the lease up, if `owner` holds it. */
  releaseLease (name: string, owner: string): Promise<void>
}
