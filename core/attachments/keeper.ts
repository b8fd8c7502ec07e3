import { randomBytes } from 'node:crypto'
import { request } from 'undici'
import type { FastifyBaseLogger } from 'fastify'
import type { Attachment, DocumentsPort } from '../store/types.js'
import { JobFailure } from '../delivery/outbox-worker.js'
import { isCxoneUrl } from './cxone-origin.js'

/** One agent attachment the hub took over: where CXone had it, and whether the hub holds a copy. */
export interface KeptAttachment {
  readonly id: string
  readonly threadId: string
  readonly sourceUrl: string
  readonly friendlyName: string
  readonly mimeType?: string
  /** pending: not fetched yet; kept: the copy is in the store; not-kept: too large, or CXone's link was gone */
  readonly state: 'pending' | 'kept' | 'not-kept'
  readonly size?: number
  readonly reason?: string
}

export interface KeeperOptions {
  readonly store: DocumentsPort
  /** the hub's public URL, which the platform and the history get */
  readonly selfUrl: () => string
  /** the DFO base of the message's tenant, whose origin (and domain) CXone's attachment links are on */
  readonly cxoneBase: (tenant?: string) => Promise<string>
  readonly maxBytes: number
  readonly timeoutMs: number
  readonly log?: FastifyBaseLogger
}

// one collection pair per thread, so a conversation's copies are found and deleted with it
const META = (threadId: string): string => `attachment-copies:${threadId}`
const CONTENT = (threadId: string): string => `attachment-content:${threadId}`
/** The two collections of one thread's copies: retention, erasure and export (core/privacy/) find them by these. */
export const attachmentCollections = (threadId: string): { meta: string, content: string } => ({ meta: META(threadId), content: CONTENT(threadId) })

/**
 * Agent attachments outlive DFO's signed URLs: the history and the platform get a hub URL (unguessable id), and at
 * delivery the hub copies the file into its store (SQLite or Redis, the same medium as the conversation). Only URLs
 * on CXone's own origin/domain are fetched (SSRF: a URL from a message is never fetched otherwise); other links
 * are the agent's own and pass through unchanged.
 */
export class AttachmentKeeper {
  constructor (private readonly o: KeeperOptions) {}

  /** When the agent message arrives: swap CXone's URLs for hub URLs, before anything is stored or shown. */
  async adopt (threadId: string, attachments: readonly Attachment[], tenant?: string): Promise<Attachment[]> {
    const base = await this.o.cxoneBase(tenant).catch(() => undefined)
    return await Promise.all(attachments.map(async (a) => {
      if (base === undefined || !isCxoneUrl(a.url, base)) return { ...a }
      const id = randomBytes(24).toString('base64url')
      const doc: KeptAttachment = { id, threadId, sourceUrl: a.url, friendlyName: a.friendlyName, ...(a.mimeType ? { mimeType: a.mimeType } : {}), state: 'pending' }
      await this.o.store.putDoc(META(threadId), id, doc)
      return { ...a, url: `${this.o.selfUrl()}/attachments/${encodeURIComponent(threadId)}/${id}` }
    }))
  }

  /** At delivery: copy every pending attachment of the message. A transient failure throws (the job retries). */
  async keep (threadId: string, attachments: readonly Attachment[]): Promise<void> {
    for (const a of attachments) {
      const id = this.idOf(threadId, a.url)
      if (id !== undefined) await this.copy(threadId, id)
    }
  }

  async get (threadId: string, id: string): Promise<{ meta: KeptAttachment, content?: Buffer } | undefined> {
    let meta = await this.o.store.getDoc<KeptAttachment>(META(threadId), id)
    if (!meta) return undefined
    // opened from the history before its delivery ran: copy now (a failure leaves it to the delivery's retries)
    if (meta.state === 'pending') meta = await this.copy(threadId, id).catch(() => meta!)
    if (meta.state !== 'kept') return { meta }
    const doc = await this.o.store.getDoc<{ base64: string }>(CONTENT(threadId), id)
    return doc ? { meta, content: Buffer.from(doc.base64, 'base64') } : { meta }
  }

  /** Deletes a conversation's copies (call with the conversation's own deletion). */
  async forget (threadId: string): Promise<number> {
    const metas = await this.o.store.listDocs<KeptAttachment>(META(threadId))
    for (const m of metas) {
      await this.o.store.deleteDoc(CONTENT(threadId), m.id)
      await this.o.store.deleteDoc(META(threadId), m.id)
    }
    return metas.length
  }

  private idOf (threadId: string, url: string): string | undefined {
    const prefix = `${this.o.selfUrl()}/attachments/${encodeURIComponent(threadId)}/`
    return url.startsWith(prefix) ? url.slice(prefix.length) : undefined
  }

  private async copy (threadId: string, id: string): Promise<KeptAttachment> {
    const meta = await this.o.store.getDoc<KeptAttachment>(META(threadId), id)
    if (!meta || meta.state !== 'pending') return meta!
    const got = await fetchBounded(meta.sourceUrl, this.o.maxBytes, this.o.timeoutMs)
    let next: KeptAttachment
    if (got.kind === 'ok') {
      await this.o.store.putDoc(CONTENT(threadId), id, { base64: got.body.toString('base64') })
      next = { ...meta, state: 'kept', size: got.body.length, mimeType: meta.mimeType ?? got.contentType }
    } else if (got.kind === 'retry') {
      throw new JobFailure(`attachment copy: ${got.reason}`, { retryable: true })
    } else {
      next = { ...meta, state: 'not-kept', reason: got.reason }
      this.o.log?.warn({ threadId, attachment: id, reason: got.reason }, 'agent attachment not kept; served from CXone while its link lasts')
    }
    await this.o.store.putDoc(META(threadId), id, next)
    return next
  }
}

type Fetched = { kind: 'ok', body: Buffer, contentType?: string } | { kind: 'retry' | 'gone', reason: string }

/** GET without following redirects, refusing bodies over maxBytes while they stream (Content-Length can lie). */
async function fetchBounded (url: string, maxBytes: number, timeoutMs: number): Promise<Fetched> {
  if (maxBytes === 0) return { kind: 'gone', reason: 'copies disabled (cxone.attachmentCopyMaxBytes is 0)' }
  let res
  try {
    res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs })
  } catch (err) {
    return { kind: 'retry', reason: (err as Error).message }
  }
  if (res.statusCode >= 500 || res.statusCode === 429) { await res.body.dump(); return { kind: 'retry', reason: `HTTP ${res.statusCode}` } }
  if (res.statusCode !== 200) { await res.body.dump(); return { kind: 'gone', reason: `CXone answered HTTP ${res.statusCode}` } }
  if (Number(res.headers['content-length'] ?? 0) > maxBytes) { discard(res.body); return { kind: 'gone', reason: `larger than ${maxBytes} bytes` } }
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of res.body) {
    size += (chunk as Buffer).length
    if (size > maxBytes) { discard(res.body); return { kind: 'gone', reason: `larger than ${maxBytes} bytes` } }
    chunks.push(chunk as Buffer)
  }
  const type = res.headers['content-type']
  return { kind: 'ok', body: Buffer.concat(chunks), ...(typeof type === 'string' ? { contentType: type } : {}) }
}

/** Stops a download midway; the abort this causes is expected, not an error to surface. */
function discard (body: NodeJS.ReadableStream & { destroy (): void }): void {
  body.on('error', () => undefined)
  body.destroy()
}
