import { AVATAR_GLYPHS, el, safeUrl } from './dom.js'
import { locale, t } from './i18n.js'
import type { AttachmentView, EntryView } from './protocol.js'

// labels are catalogue keys (tick.*), read when painted
const TICKS: Record<string, { glyph: string, label: string }> = {
  pending: { glyph: '🕓', label: 'tick.pending' },
  accepted: { glyph: '✓', label: 'tick.sent' },
  sent: { glyph: '✓', label: 'tick.sent' },
  delivered: { glyph: '✓✓', label: 'tick.delivered' },
  seen: { glyph: '✓✓', label: 'tick.seen' },
  failed: { glyph: '!', label: 'tick.failed' }
}
const RANK: Record<string, number> = { pending: 0, accepted: 1, sent: 2, delivered: 3, seen: 4, failed: 5 }

interface Row { li: HTMLLIElement, ticks?: HTMLSpanElement, status: string }

/**
 * The conversation log. Keyed by messageId (and by clientMessageId for our own messages not yet stored),
 * so an entry that arrives twice (a repeat delivery, a resume, an ack racing its echo) renders once.
 */
export class Transcript {
  private readonly rows = new Map<string, Row>()
  private readonly pending = new Map<string, Row>()
  private prompt: HTMLElement | undefined

  constructor (private readonly log: HTMLOListElement, private readonly avatar: () => string) {}

  clear (): void {
    this.log.replaceChildren()
    this.rows.clear()
    this.pending.clear()
    this.prompt = undefined
  }

  /** Where the latest "Are you still there?" line shows its countdown. */
  promptCountdown (): HTMLElement | undefined { return this.prompt }

  has (messageId: string): boolean { return this.rows.has(messageId) }

  divider (text: string): void {
    const li = el('li', 'wh-divider', text)
    li.setAttribute('role', 'note')
    this.log.append(li)
    this.scroll()
  }

  /** Our own message, shown the moment it is sent. */
  addPending (clientMessageId: string, text: string, attachments: AttachmentView[]): void {
    if (this.pending.has(clientMessageId)) return
    const row = this.render({ direction: 'inbound', text, attachments, status: 'pending' })
    this.pending.set(clientMessageId, row)
    this.log.append(row.li)
    this.scroll()
  }

  /** Adds or updates a stored entry; returns true when it is new to the log. */
  upsert (entry: EntryView): boolean {
    if (this.rows.has(entry.messageId)) { this.setStatus(entry.messageId, entry.status); return false }
    const mine = entry.clientMessageId !== undefined ? this.pending.get(entry.clientMessageId) : undefined
    if (mine !== undefined) {
      this.pending.delete(entry.clientMessageId as string)
      this.rows.set(entry.messageId, mine)
      mine.li.dataset.messageId = entry.messageId
      this.setStatus(entry.messageId, entry.status)
      return false
    }
    const row = this.render(entry)
    row.li.dataset.messageId = entry.messageId
    if (entry.system !== undefined) row.li.classList.add('wh-system')
    if (entry.system === 'idle-warning') {
      this.prompt = el('span', 'wh-line-countdown')
      this.prompt.setAttribute('aria-live', 'off')
      row.li.querySelector('.wh-bubble')?.insertBefore(this.prompt, row.li.querySelector('.wh-meta'))
    }
    this.rows.set(entry.messageId, row)
    this.log.append(row.li)
    this.scroll()
    return true
  }

  /** The server stored our message: it has its final id now. */
  acked (clientMessageId: string, messageId: string): void {
    const row = this.pending.get(clientMessageId)
    if (row === undefined) { this.setStatus(messageId, 'accepted'); return }
    this.pending.delete(clientMessageId)
    if (this.rows.has(messageId)) { row.li.remove(); return }
    row.li.dataset.messageId = messageId
    this.rows.set(messageId, row)
    this.setStatus(messageId, 'accepted')
  }

  failed (clientMessageId: string): void {
    const row = this.pending.get(clientMessageId)
    if (row === undefined) return
    row.li.classList.add('wh-failed')
    this.paint(row, 'failed')
  }

  setStatus (messageId: string, status: string): void {
    const row = this.rows.get(messageId)
    if (row !== undefined && (RANK[status] ?? 0) > (RANK[row.status] ?? 0)) this.paint(row, status)
  }

  private paint (row: Row, status: string): void {
    row.status = status
    if (row.ticks === undefined) return
    const tick = TICKS[status] ?? TICKS.sent
    row.ticks.textContent = tick.glyph
    row.ticks.dataset.status = status
    row.ticks.setAttribute('aria-label', t(tick.label))
    row.ticks.title = t(tick.label)
  }

  private render (e: Pick<EntryView, 'direction' | 'text' | 'attachments' | 'status'> & { authorName?: string, createdAt?: number }): Row {
    const mine = e.direction === 'inbound'
    const li = el('li', `wh-msg ${mine ? 'wh-me' : 'wh-agent'}`)
    const face = el('span', 'wh-face', mine ? (AVATAR_GLYPHS[this.avatar()] ?? '🐾') : '🌴')
    face.setAttribute('aria-hidden', 'true')
    const bubble = el('div', 'wh-bubble')
    const who = el('span', mine ? 'wh-sr' : 'wh-author', mine ? t('you') : (e.authorName ?? t('agent')))
    bubble.append(who)
    if (e.text !== '') bubble.append(el('span', 'wh-text', e.text))
    for (const a of e.attachments) bubble.append(attachmentNode(a))
    const meta = el('span', 'wh-meta', new Date(e.createdAt ?? Date.now()).toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' }))
    const row: Row = { li, status: e.status }
    if (mine) {
      row.ticks = el('span', 'wh-ticks')
      row.ticks.setAttribute('role', 'img')
      meta.append(row.ticks)
      this.paint(row, e.status)
    }
    bubble.append(meta)
    li.append(face, bubble)
    return row
  }

  /** The list sits in the scrolling log region (a list inside role=log keeps its items list items). */
  private scroll (): void {
    const box = this.log.parentElement ?? this.log
    box.scrollTop = box.scrollHeight
  }
}

function attachmentNode (a: AttachmentView): HTMLElement {
  const url = safeUrl(a.url)
  const wrap = el('span', 'wh-attachment')
  if (url === undefined) { wrap.textContent = a.friendlyName; return wrap }
  const link = el('a')
  link.href = url
  link.target = '_blank'
  link.rel = 'noopener noreferrer'
  if ((a.mimeType ?? '').startsWith('image/')) {
    const img = el('img')
    img.src = url
    img.alt = a.friendlyName
    link.append(img)
  } else {
    link.textContent = `📄 ${a.friendlyName}`
  }
  wrap.append(link)
  return wrap
}
