import { Announcer } from './announcer.js'
import { Connection, type ConnectionState } from './connection.js'
import { byId } from './dom.js'
import { locale, t } from './i18n.js'
import { IdleBanner } from './idle-banner.js'
import { forgetIdentity, introduce, loadIdentity, renewIdentity, type StoredIdentity } from './identity-store.js'
import { THREAD_CLOSED, TOKEN_INVALID, type EntryView, type PresenceFrameState, type ServerFrame, type ThreadView } from './protocol.js'
import { Transcript } from './transcript.js'
import { Uploads } from './uploads.js'
import { storage } from './storage.js'

const base = document.body.dataset.base ?? ''
const intro = byId('wh-intro')
const chat = byId('wh-chat')
const conn = byId('wh-conn')
const composer = byId<HTMLFormElement>('wh-composer')
const input = byId<HTMLTextAreaElement>('wh-message')
const sendButton = byId<HTMLButtonElement>('wh-send')
const fileInput = byId<HTMLInputElement>('wh-file')
const typingNote = byId('wh-typing')
const ended = byId('wh-ended')
const endedText = byId('wh-ended-text')
const errorLine = byId('wh-error')
const newChatButton = byId<HTMLButtonElement>('wh-new-chat')
const announcer = new Announcer()
const idle = new IdleBanner(announcer)
// where the browser denies the iframe its storage, the chat lives in memory: say so, quietly, once
byId('wh-ephemeral').hidden = storage.persistent

let identity: StoredIdentity | undefined
let connection: Connection | undefined
let threadId: string | undefined
let panelOpen = !document.body.classList.contains('wh-embedded')
const transcript = new Transcript(byId<HTMLOListElement>('wh-log'), () => identity?.avatar ?? '')
const uploads = new Uploads(base, () => identity?.token ?? '', byId('wh-files'), showError)
const seenSent = new Set<string>()
const unseen = new Set<string>()

function showError (message: string): void {
  errorLine.textContent = message
  setTimeout(() => { if (errorLine.textContent === message) errorLine.textContent = '' }, 6000)
}

const STATE_TEXT: Record<ConnectionState, string> = { connecting: 'connecting', online: 'online', offline: 'offline' }

/** `announce`: the chat ended now (not a closed chat shown from history), so a screen reader says so. */
function setEnded (reason: string | null, announce = false): void {
  const ended_ = reason !== null
  const focusWasInComposer = composer.contains(document.activeElement)
  const reopened = !ended_ && !ended.hidden && (document.activeElement === newChatButton || document.activeElement === document.body)
  ended.hidden = !ended_
  if (ended_) {
    // the banner is a status region: shown first, then its words set, so a screen reader says them (once)
    endedText.textContent = announce ? '' : t(reason === 'idle' ? 'endedIdle' : reason === 'agent' ? 'endedAgent' : 'ended')
    if (announce) setTimeout(() => { endedText.textContent = t(reason === 'idle' ? 'endedIdle' : reason === 'agent' ? 'endedAgent' : 'ended') }, 0)
    idle.hide()
    typingNote.hidden = true
  }
  input.disabled = ended_
  sendButton.disabled = ended_
  fileInput.disabled = ended_
  composer.classList.toggle('wh-disabled', ended_)
  // a disabled input drops focus to the page: keep the keyboard user where the next action is
  if (ended_ && focusWasInComposer) newChatButton.focus()
  if (reopened) input.focus()
}

// ---- receipts: "delivered" when an agent message reaches the widget, "seen" once the panel shows it
function receive (e: EntryView): void {
  if (e.direction !== 'outbound' || e.system !== undefined || seenSent.has(e.messageId)) return
  connection?.send({ type: 'read', messageId: e.messageId, status: 'delivered' })
  unseen.add(e.messageId)
  markSeen()
}

function markSeen (): void {
  if (!panelOpen || document.visibilityState !== 'visible') {
    if (unseen.size > 0) window.parent.postMessage({ type: 'wh-unread', count: unseen.size }, '*')
    return
  }
  for (const id of unseen) {
    if (connection?.send({ type: 'read', messageId: id, status: 'seen' }) === true) { seenSent.add(id); unseen.delete(id) }
  }
}

function showThread (thread: ThreadView | null, resume: boolean): void {
  const changed = (thread?.threadId) !== threadId
  if (!resume || changed) {
    const previous = threadId
    transcript.clear()
    threadId = thread?.threadId
    if (previous !== undefined && thread !== null) transcript.divider(t('newConversation'))
    for (const p of connection?.pending ?? []) transcript.addPending(p.clientMessageId, p.text, p.attachments ?? [])
  }
  idle.hide()
  setEnded(thread?.status === 'closed' ? thread.closedReason ?? 'ended' : null)
}

function onFrame (f: ServerFrame): void {
  switch (f.type) {
    case 'welcome': if (identity !== undefined) identity = renewIdentity(identity, f.token); return
    case 'history':
      showThread(f.thread, f.resume)
      for (const e of f.entries) { transcript.upsert(e); receive(e) }
      markSeen()
      return
    case 'message':
      if (f.entry.threadId !== threadId) return
      // agent messages are read out once, as they arrive; the hub's own lines speak through the banners
      if (transcript.upsert(f.entry) && f.entry.direction === 'outbound' && f.entry.system === undefined) {
        announcer.say(`${f.entry.authorName ?? t('agent')}: ${f.entry.text}`)
      }
      if (f.entry.direction === 'outbound') typingNote.hidden = true
      receive(f.entry)
      return
    case 'ack': transcript.acked(f.clientMessageId, f.messageId); return
    case 'status': transcript.setStatus(f.messageId, f.status); return
    case 'typing': typingNote.hidden = !f.on; return
    case 'idle-warning':
      idle.show(f.endsAt, f.now, f.text, transcript.promptCountdown())
      // an alert dialog takes focus (when the customer is here to use it), so "I'm still here" is one key away
      if (panelOpen && document.hasFocus()) byId('wh-idle-here').focus()
      return
    case 'idle-cleared': idle.hide(); return
    case 'thread-closed': if (f.threadId === threadId) setEnded(f.reason, true); return
    case 'error':
      if (f.clientMessageId !== undefined) transcript.failed(f.clientMessageId)
      if (f.code === THREAD_CLOSED) setEnded('ended', true)
      if (f.code === TOKEN_INVALID) return
      showError(f.message)
  }
}

function connect (id: StoredIdentity): void {
  identity = id
  intro.hidden = true
  chat.hidden = false
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:'
  connection = new Connection(`${proto}//${location.host}${base}/ws`, id.token, locale, {
    frame: onFrame,
    state: s => { conn.textContent = t(STATE_TEXT[s]); if (s === 'online') reportPresence(true) },
    rejected: () => { connection = undefined; forgetIdentity(); showIntro(t('introduceAgain')) }
  })
  connection.start()
  input.focus()
}

function showIntro (message = ''): void {
  chat.hidden = true
  intro.hidden = false
  conn.textContent = t('sayHello')
  byId('wh-intro-error').textContent = message
  byId<HTMLInputElement>('wh-name').focus()
}

// ---- the composer
let typing = false
let typingTimer: ReturnType<typeof setTimeout> | undefined
function setTyping (on: boolean): void {
  if (typing !== on) { typing = on; connection?.send({ type: 'typing', on }) }
}

input.addEventListener('input', () => {
  setTyping(input.value !== '')
  if (typingTimer !== undefined) clearTimeout(typingTimer)
  typingTimer = setTimeout(() => setTyping(false), 3000)
})
input.addEventListener('keydown', ev => {
  if (ev.key === 'Enter' && !ev.shiftKey) { ev.preventDefault(); composer.requestSubmit() }
})

composer.addEventListener('submit', ev => {
  ev.preventDefault()
  if (connection === undefined || input.disabled) return
  if (uploads.uploading) { showError(t('waitUpload')); return }
  const text = input.value.trim()
  const attachments = uploads.take()
  if (text === '' && attachments.length === 0) return
  const clientMessageId = crypto.randomUUID()
  transcript.addPending(clientMessageId, text, attachments)
  connection.sendMessage({ type: 'message', clientMessageId, text, ...(attachments.length > 0 ? { attachments } : {}) })
  input.value = ''
  setTyping(false)
})

fileInput.addEventListener('change', () => {
  for (const file of fileInput.files ?? []) void uploads.add(file)
  fileInput.value = ''
})

byId('wh-idle-here').addEventListener('click', () => {
  connection?.send({ type: 'activity' })
  idle.hide()
  input.focus()
})
newChatButton.addEventListener('click', () => {
  connection?.send({ type: 'new-chat' })
})

byId<HTMLFormElement>('wh-identity-form').addEventListener('submit', ev => {
  ev.preventDefault()
  const form = ev.currentTarget as HTMLFormElement
  const name = byId<HTMLInputElement>('wh-name').value.trim()
  const avatar = (form.elements.namedItem('avatar') as RadioNodeList).value
  if (name === '') { byId('wh-intro-error').textContent = t('pleaseName'); return }
  introduce(base, name, avatar, locale).then(connect, (err: Error) => { byId('wh-intro-error').textContent = err.message })
})

// ---- presence: the hub's idle clock runs while the customer is away (chat closed, page hidden or left) or owes an
// answer; this tab says which it is. Focus and reopening also count as activity.
let lastActivity = 0
let reported: PresenceFrameState | undefined
function activity (): void {
  if (Date.now() - lastActivity < 10_000) return
  lastActivity = Date.now()
  connection?.send({ type: 'activity' })
}
function reportPresence (newConnection = false): void {
  const state: PresenceFrameState = document.visibilityState !== 'visible' ? 'hidden' : panelOpen ? 'open' : 'closed'
  if (!newConnection && state === reported) return
  if (connection?.send({ type: 'presence', state }) === true) reported = state
}
window.addEventListener('focus', () => { activity(); markSeen() })
document.addEventListener('visibilitychange', () => { reportPresence(); markSeen() })
window.addEventListener('pagehide', () => { connection?.send({ type: 'presence', state: 'unload' }) })
window.addEventListener('message', ev => {
  if (ev.source !== window.parent || window.parent === window) return
  const type = (ev.data as { type?: unknown } | null)?.type
  if (type === 'wh-open') { panelOpen = true; reportPresence(); activity(); markSeen(); input.focus() }
  if (type === 'wh-hidden') { panelOpen = false; reportPresence() }
})
function closePanel (): void {
  panelOpen = false
  reportPresence()
  setTyping(false)
  window.parent.postMessage({ type: 'wh-close' }, '*') // the embed hides the iframe and puts focus back on its launcher
}
byId('wh-close').addEventListener('click', closePanel)
// Escape closes the embedded panel from anywhere in it (the standalone page has no panel to close)
document.addEventListener('keydown', ev => {
  if (ev.key === 'Escape' && document.body.classList.contains('wh-embedded') && !ev.defaultPrevented) closePanel()
})

const saved = loadIdentity()
if (saved !== undefined) connect(saved)
else showIntro()
