import type { ConsoleMessage, CustomerOption, ThreadSummary } from './api.js'

/** Small DOM helper: text only (never innerHTML), so customer text cannot inject markup. */
export function el<K extends keyof HTMLElementTagNameMap> (tag: K, attrs: Record<string, string> = {}, ...children: Array<Node | string>): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v)
  node.append(...children)
  return node
}

/**
 * Only http(s) links reach the DOM: an attachment URL is whatever a platform sent, and a javascript: one must never
 * become clickable on the hub's origin. The same rule as the widget's safeUrl (plugins/watering-hole/web/dom.ts); see
 * docs/security.md for why it is not yet one shared module.
 */
export function linkable (url: string): string | undefined {
  try {
    const u = new URL(url, location.href)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined
  } catch {
    return undefined
  }
}

const STATUS_TEXT: Record<string, string> = { sending: 'Sending…', sent: 'Sent', delivered: 'Delivered', seen: 'Read', failed: 'Failed' }
const time = (ms: number): string => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' })

export function renderThreadList (list: HTMLElement, threads: ThreadSummary[], selected: string | undefined, onSelect: (id: string) => void): void {
  list.replaceChildren(...threads.map(t => {
    const badges = [el('span', { class: `badge ${t.status}` }, t.status === 'open' ? 'Open' : 'Closed')]
    if (t.customerTyping) badges.push(el('span', { class: 'badge typing' }, 'typing…'))
    const button = el('button', { type: 'button', 'data-thread-id': t.id, 'aria-current': String(t.id === selected) },
      el('span', { class: 'who' }, t.customerName, ...badges),
      el('span', { class: 'where' }, `${t.channelName} · ${t.idOnExternalPlatform}`))
    button.addEventListener('click', () => onSelect(t.id))
    return el('li', {}, button)
  }))
}

function renderMessage (m: ConsoleMessage): HTMLElement {
  const node = el('div', { class: `msg ${m.direction}`, 'data-message-id': m.id },
    el('div', { class: 'meta' }, el('span', { class: 'author' }, m.authorName), el('time', { datetime: new Date(m.createdAt).toISOString() }, time(m.createdAt))),
    el('p', { class: 'text' }, m.text))
  for (const a of m.attachments) {
    const href = linkable(a.url)
    node.append(href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, a.friendlyName || 'attachment') : el('span', { class: 'attachment-unsafe' }, `${a.friendlyName || 'attachment'} (link not shown)`))
  }
  if (m.direction === 'outbound' && m.status) {
    const label = STATUS_TEXT[m.status] ?? m.status
    node.append(el('span', { class: `status ${m.status}` }, m.status === 'failed' && m.error ? `${label}: ${m.error}` : label))
  }
  return node
}

/** Re-renders only on change, and stays pinned to the bottom if the agent was there. */
export function renderTranscript (log: HTMLElement, messages: ConsoleMessage[]): void {
  const signature = JSON.stringify(messages.map(m => [m.id, m.status, m.error]))
  if (log.dataset.signature === signature) return
  const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40
  log.replaceChildren(...messages.map(renderMessage))
  log.dataset.signature = signature
  if (atBottom || !log.dataset.rendered) log.scrollTop = log.scrollHeight
  log.dataset.rendered = '1'
}

export function renderCustomers (select: HTMLSelectElement, customers: CustomerOption[]): void {
  const signature = JSON.stringify(customers)
  if (select.dataset.signature === signature) return
  const current = select.value
  select.replaceChildren(...customers.map(c => el('option', { value: `${c.channelId}\n${c.customerId}` }, `${c.name} (${c.channelName})`)))
  if (customers.some(c => `${c.channelId}\n${c.customerId}` === current)) select.value = current
  select.dataset.signature = signature
}
