import { api, type ThreadSummary } from './api.js'
import { setupIntegrations } from './integrations.js'
import { renderCustomers, renderThreadList, renderTranscript } from './render.js'
import { TypingNotifier } from './typing.js'

const POLL_MS = 1000

// The login token came in the URL; the page's answer put it in an HttpOnly cookie, so the address bar need not show it.
if (new URLSearchParams(location.search).has('token')) history.replaceState(null, '', location.pathname + location.hash)
const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T

const ui = {
  list: $<HTMLUListElement>('thread-list'),
  noThreads: $('no-threads'),
  heading: $('conversation-heading'),
  meta: $('conversation-meta'),
  transcript: $('transcript'),
  customerTyping: $('customer-typing'),
  replyForm: $<HTMLFormElement>('reply-form'),
  reply: $<HTMLTextAreaElement>('reply'),
  sendReply: $<HTMLButtonElement>('send-reply'),
  end: $<HTMLButtonElement>('end-conversation'),
  replyError: $('reply-error'),
  outboundForm: $<HTMLFormElement>('outbound-form'),
  outboundCustomer: $<HTMLSelectElement>('outbound-customer'),
  outboundText: $<HTMLTextAreaElement>('outbound-text'),
  outboundStatus: $('outbound-status')
}

let selected: string | undefined = new URLSearchParams(location.hash.slice(1)).get('thread') ?? undefined
const typing = new TypingNotifier(api.typing)

function select (id: string): void {
  if (id === selected) return
  typing.stop()
  selected = id
  location.hash = `thread=${encodeURIComponent(id)}`
  ui.transcript.replaceChildren()
  delete ui.transcript.dataset.signature
  delete ui.transcript.dataset.rendered
  ui.replyError.textContent = ''
  void refresh()
}

function showThread (t: ThreadSummary | undefined): void {
  const open = t?.status === 'open'
  ui.heading.textContent = t ? `Conversation with ${t.customerName}` : 'Select a conversation'
  ui.meta.textContent = t ? `${t.channelName} · thread ${t.idOnExternalPlatform} · ${open ? 'open' : 'closed'}${t.contactId ? ` · contact ${t.contactId} (${t.contactStatus})` : ''}` : ''
  ui.customerTyping.hidden = !t?.customerTyping
  ui.reply.disabled = !open
  ui.sendReply.disabled = !open
  ui.end.disabled = !open
}

async function refresh (): Promise<void> {
  const [threads, customers] = await Promise.all([api.threads(), api.customers()])
  renderThreadList(ui.list, threads, selected, select)
  ui.noThreads.hidden = threads.length > 0
  renderCustomers(ui.outboundCustomer, customers)
  if (!selected) return showThread(undefined)
  const current = selected
  const { thread, messages } = await api.thread(current)
  if (current !== selected) return // the agent switched while this was in flight
  showThread(thread)
  renderTranscript(ui.transcript, messages)
}

async function poll (): Promise<void> {
  try { await refresh() } catch { /* the next poll tries again */ }
  setTimeout(() => { void poll() }, POLL_MS)
}

ui.reply.addEventListener('input', () => { if (selected && ui.reply.value) typing.keystroke(selected) })
ui.reply.addEventListener('keydown', e => {
  if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); ui.replyForm.requestSubmit() }
})

ui.replyForm.addEventListener('submit', async e => {
  e.preventDefault()
  const text = ui.reply.value.trim()
  if (!selected || !text) return
  typing.stop()
  ui.sendReply.disabled = true
  try {
    const sent = await api.reply(selected, text)
    ui.reply.value = ''
    ui.replyError.textContent = sent.status === 'failed' ? `Not delivered to the hub: ${sent.error ?? 'unknown error'}` : ''
  } catch (err) {
    ui.replyError.textContent = (err as Error).message
  }
  await refresh().catch(() => undefined)
  ui.reply.focus()
})

ui.end.addEventListener('click', async () => {
  if (!selected) return
  typing.stop()
  try { await api.end(selected) } catch (err) { ui.replyError.textContent = (err as Error).message }
  await refresh().catch(() => undefined)
})

ui.outboundForm.addEventListener('submit', async e => {
  e.preventDefault()
  const [channelId, customerId] = ui.outboundCustomer.value.split('\n')
  const text = ui.outboundText.value.trim()
  if (!channelId || !customerId || !text) { ui.outboundStatus.textContent = 'Choose a customer and write a message.'; return }
  ui.outboundStatus.textContent = 'Sending…'
  try {
    const { threadId } = await api.outbound(channelId, customerId, text)
    ui.outboundText.value = ''
    ui.outboundStatus.textContent = 'Sent: a new conversation was opened.'
    select(threadId)
  } catch (err) {
    ui.outboundStatus.textContent = `Not sent: ${(err as Error).message}`
  }
})

window.addEventListener('pagehide', () => typing.stop())
setupIntegrations()
void poll()
