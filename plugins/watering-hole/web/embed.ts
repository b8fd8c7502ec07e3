// The one-<script>-tag embed: <script src="https://hub.example/channels/watering-hole/widget.js" async></script>
// Adds a launcher button and the chat in an iframe served by the hub (its own origin, storage and CSP),
// inside a shadow root so the host page's CSS cannot reach either. The hub serves it wrapped in a function that
// hands it WH_EMBED: the launcher's name in each language, the configured locale and the brand colour.
declare const WH_EMBED: { locale: string | null, labels: Record<string, string>, primary: string } | undefined

(() => {
  const script = document.currentScript as HTMLScriptElement | null
  if (script === null || document.getElementById('watering-hole-widget') !== null) return
  const texts = typeof WH_EMBED === 'undefined' ? { locale: null, labels: {}, primary: '#2f6b3a' } : WH_EMBED
  const chatUrl = new URL('./?embed=1', script.src)
  // the page's language chooses the chat's unless the channel configures one (the hub decides, with the browser's as fallback)
  const pageLang = document.documentElement.lang
  if (pageLang !== '') chatUrl.searchParams.set('lang', pageLang)
  const hubOrigin = chatUrl.origin
  const language = [texts.locale, pageLang, ...navigator.languages].map(l => (l ?? '').toLowerCase().split('-')[0]).find(l => l in texts.labels)
  const title = script.dataset.title ?? texts.labels[language ?? 'en'] ?? 'Chat with us'

  const host = document.createElement('div')
  host.id = 'watering-hole-widget'
  const root = host.attachShadow({ mode: 'closed' })
  const style = document.createElement('style')
  style.textContent = `
    :host { all: initial; --wh-primary: ${texts.primary}; }
    .launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483000; width: 60px; height: 60px; border-radius: 50%;
      border: 0; cursor: pointer; font-size: 28px; color: #fff; background: var(--wh-primary);
      box-shadow: 0 8px 24px rgba(0,0,0,.25); }
    .launcher:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 3px; box-shadow: 0 0 0 6px #fff; }
    @media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; } }
    .badge { position: absolute; top: -4px; right: -4px; min-width: 20px; height: 20px; border-radius: 10px; padding: 0 5px;
      font: 700 12px/20px system-ui, sans-serif; color: #fff; background: #a3271b; }
    .panel { position: fixed; right: 20px; bottom: 92px; z-index: 2147483000; width: 380px; height: min(620px, calc(100vh - 120px));
      border: 0; border-radius: 18px; box-shadow: 0 18px 50px rgba(0,0,0,.3); background: #fbf4e6; }
    @media (max-width: 480px) { .panel { right: 0; bottom: 0; width: 100vw; height: 100vh; border-radius: 0; } }
    [hidden] { display: none !important; }`

  const launcher = document.createElement('button')
  launcher.className = 'launcher'
  launcher.type = 'button'
  launcher.setAttribute('aria-label', title)
  launcher.setAttribute('aria-expanded', 'false')
  launcher.textContent = '🐾'
  const badge = document.createElement('span')
  badge.className = 'badge'
  badge.hidden = true
  launcher.append(badge)

  const panel = document.createElement('iframe')
  panel.className = 'panel'
  panel.title = title
  panel.hidden = true
  panel.allow = 'clipboard-write'

  function setOpen (open: boolean): void {
    if (open && panel.src === '') panel.src = chatUrl.href // load on first open: no socket for visitors who never chat
    panel.hidden = !open
    launcher.setAttribute('aria-expanded', String(open))
    if (open) { badge.hidden = true; panel.focus() }
    panel.contentWindow?.postMessage({ type: open ? 'wh-open' : 'wh-hidden' }, hubOrigin)
  }
  // Escape closes the panel from wherever focus is: inside the chat (the chat page posts wh-close) or on the launcher
  root.addEventListener('keydown', ev => {
    if ((ev as KeyboardEvent).key === 'Escape' && !panel.hidden) { setOpen(false); launcher.focus() }
  })
  panel.addEventListener('load', () => { if (!panel.hidden) panel.contentWindow?.postMessage({ type: 'wh-open' }, hubOrigin) })
  launcher.addEventListener('click', () => setOpen(panel.hidden))
  window.addEventListener('message', ev => {
    if (ev.origin !== hubOrigin || ev.source !== panel.contentWindow) return
    const data = ev.data as { type?: unknown, count?: unknown } | null
    if (data?.type === 'wh-close') { setOpen(false); launcher.focus() }
    if (data?.type === 'wh-unread' && typeof data.count === 'number' && panel.hidden) {
      badge.textContent = String(data.count)
      badge.hidden = false
    }
  })

  root.append(style, panel, launcher)
  document.body.append(host)
})()
