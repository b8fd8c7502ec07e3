import { AVATARS } from '../schemas.js'
import { CATALOGUES, format, isRtl, type Locale, type MessageKey } from '../i18n/index.js'
import { avatarGlyph } from './avatars.js'

function escapeHtml (s: string): string {
  return s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

/** JSON inside <script type="application/json">: no "</script>" or "<!--" can end it early. */
function jsonForScript (value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c')
}

export interface ChatPageOptions { base: string, title: string, embedded: boolean, locale: Locale, logoUrl?: string }

/**
 * The chat page: standalone at /channels/<id>/, and what the embed's iframe shows (embedded = true). Every string
 * comes from the catalogue of `locale`; the browser code reads the same catalogue from #wh-strings (data, not a
 * script, so the CSP's script-src 'self' holds).
 */
export function chatPage (opts: ChatPageOptions): string {
  const strings = CATALOGUES[opts.locale]
  const t = (key: MessageKey, values: Record<string, string> = {}): string => escapeHtml(format(strings[key], values))
  const base = escapeHtml(opts.base)
  const title = escapeHtml(opts.title)
  const avatars = AVATARS.map((a, i) =>
    `<label class="wh-avatar"><input type="radio" name="avatar" value="${a}"${i === 0 ? ' checked' : ''}>` +
    `<span class="wh-avatar-face" aria-hidden="true">${avatarGlyph(a)}</span><span class="wh-sr">${t(`avatar.${a}`)}</span></label>`).join('')
  const [beforeSeconds, afterSeconds] = strings.endsIn.split('{seconds}').map(escapeHtml)
  const logo = opts.logoUrl !== undefined
    ? `<img class="wh-logo-img" src="${escapeHtml(opts.logoUrl)}" alt="">`
    : '<span class="wh-logo" aria-hidden="true">🌴</span>'
  return `<!doctype html>
<html lang="${opts.locale}" dir="${isRtl(opts.locale) ? 'rtl' : 'ltr'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t('pageTitle', { title: opts.title })}</title>
<link rel="stylesheet" href="${base}/assets/theme.css">
<link rel="stylesheet" href="${base}/assets/widget.css">
<script type="application/json" id="wh-strings">${jsonForScript(strings)}</script>
</head>
<body class="${opts.embedded ? 'wh-embedded' : 'wh-standalone'}" data-base="${base}">
<main class="wh-chat" aria-labelledby="wh-title">
  <header class="wh-header">
    ${logo}
    <div class="wh-heading"><h1 id="wh-title">${title}</h1><p id="wh-conn" class="wh-conn" role="status">${t('connecting')}</p></div>
    <button type="button" id="wh-close" class="wh-close" aria-label="${t('close')}"${opts.embedded ? '' : ' hidden'}><span aria-hidden="true">×</span></button>
  </header>
  <p id="wh-ephemeral" class="wh-note" hidden>${t('notRemembered')}</p>
  <section id="wh-intro" class="wh-intro" aria-labelledby="wh-intro-title" hidden>
    <form id="wh-identity-form" novalidate>
      <h2 id="wh-intro-title">${t('welcomeTitle')}</h2>
      <p>${t('welcomeText', { title: opts.title })}</p>
      <label for="wh-name">${t('yourName')}</label>
      <input id="wh-name" name="name" autocomplete="nickname" maxlength="60" required>
      <fieldset><legend>${t('pickAvatar')}</legend><div class="wh-avatars">${avatars}</div></fieldset>
      <button type="submit" class="wh-primary">${t('startChatting')}</button>
      <p id="wh-intro-error" class="wh-error" role="alert"></p>
    </form>
  </section>
  <section id="wh-chat" class="wh-conversation" aria-labelledby="wh-title" hidden>
    <div id="wh-log-region" class="wh-log" role="log" aria-live="off" aria-label="${t('conversation')}" tabindex="0"><ol id="wh-log" class="wh-log-list"></ol></div>
    <p id="wh-typing" class="wh-typing" hidden><span class="wh-dots" aria-hidden="true"><i></i><i></i><i></i></span> ${t('agentTyping')}</p>
    <div id="wh-idle" class="wh-banner wh-idle" role="alertdialog" aria-labelledby="wh-idle-text" aria-describedby="wh-idle-countdown" hidden>
      <p id="wh-idle-text" class="wh-banner-title">${t('stillThere')}</p>
      <p id="wh-idle-countdown">${beforeSeconds}<strong id="wh-idle-seconds">20</strong>${afterSeconds}</p>
      <button type="button" id="wh-idle-here" class="wh-primary">${t('imHere')}</button>
    </div>
    <div id="wh-ended" class="wh-banner wh-ended" role="status" hidden>
      <p id="wh-ended-text" class="wh-banner-title">${t('ended')}</p>
      <button type="button" id="wh-new-chat" class="wh-primary">${t('newChat')}</button>
    </div>
    <div id="wh-files" class="wh-files"></div>
    <form id="wh-composer" class="wh-composer">
      <label class="wh-attach" title="${t('attach')}"><span aria-hidden="true">📎</span><span class="wh-sr">${t('attach')}</span><input type="file" id="wh-file" class="wh-sr"></label>
      <label for="wh-message" class="wh-sr">${t('message')}</label>
      <textarea id="wh-message" rows="1" placeholder="${t('placeholder')}" maxlength="4000"></textarea>
      <button type="submit" id="wh-send" class="wh-send">${t('send')}</button>
    </form>
    <p id="wh-error" class="wh-error" role="alert"></p>
  </section>
  <div id="wh-announce" class="wh-sr" aria-live="polite" aria-atomic="true"></div>
</main>
<script type="module" src="${base}/assets/app.js"></script>
</body>
</html>
`
}
