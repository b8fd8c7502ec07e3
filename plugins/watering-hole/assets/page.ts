import { AVATARS } from '../schemas.js'
import { avatarGlyph } from './avatars.js'

function escapeHtml (s: string): string {
  return s.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

/** The chat page: standalone at /channels/<id>/, and what the embed's iframe shows (embedded = true). */
export function chatPage (opts: { base: string, title: string, embedded: boolean }): string {
  const base = escapeHtml(opts.base)
  const title = escapeHtml(opts.title)
  const avatars = AVATARS.map((a, i) =>
    `<label class="wh-avatar"><input type="radio" name="avatar" value="${a}"${i === 0 ? ' checked' : ''}>` +
    `<span class="wh-avatar-face" aria-hidden="true">${avatarGlyph(a)}</span><span class="wh-sr">${a}</span></label>`).join('')
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chat with ${title}</title>
<link rel="stylesheet" href="${base}/assets/widget.css">
</head>
<body class="${opts.embedded ? 'wh-embedded' : 'wh-standalone'}" data-base="${base}">
<main class="wh-chat" aria-labelledby="wh-title">
  <header class="wh-header">
    <span class="wh-logo" aria-hidden="true">🌴</span>
    <div class="wh-heading"><h1 id="wh-title">${title}</h1><p id="wh-conn" class="wh-conn" role="status">Connecting…</p></div>
    <button type="button" id="wh-close" class="wh-close" aria-label="Close chat"${opts.embedded ? '' : ' hidden'}>×</button>
  </header>
  <section id="wh-intro" class="wh-intro" hidden>
    <form id="wh-identity-form" novalidate>
      <h2>Welcome to The Watering Hole</h2>
      <p>Tell us who you are and we'll put you through to ${title}.</p>
      <label for="wh-name">Your name</label>
      <input id="wh-name" name="name" autocomplete="nickname" maxlength="60" required>
      <fieldset><legend>Pick your avatar</legend><div class="wh-avatars">${avatars}</div></fieldset>
      <button type="submit" class="wh-primary">Start chatting</button>
      <p id="wh-intro-error" class="wh-error" role="alert"></p>
    </form>
  </section>
  <section id="wh-chat" class="wh-conversation" hidden>
    <ol id="wh-log" class="wh-log" role="log" aria-live="polite" aria-label="Conversation"></ol>
    <p id="wh-typing" class="wh-typing" hidden><span class="wh-dots" aria-hidden="true"><i></i><i></i><i></i></span> Agent is typing…</p>
    <div id="wh-idle" class="wh-banner wh-idle" role="alertdialog" aria-labelledby="wh-idle-text" aria-describedby="wh-idle-countdown" hidden>
      <p id="wh-idle-text" class="wh-banner-title">Are you still there?</p>
      <p id="wh-idle-countdown">This chat ends in <strong><span id="wh-idle-seconds">20</span> seconds</strong>.</p>
      <button type="button" id="wh-idle-here" class="wh-primary">I'm still here</button>
    </div>
    <div id="wh-ended" class="wh-banner wh-ended" role="status" hidden>
      <p id="wh-ended-text" class="wh-banner-title">This chat has ended.</p>
      <button type="button" id="wh-new-chat" class="wh-primary">Start a new chat</button>
    </div>
    <div id="wh-files" class="wh-files" aria-live="polite"></div>
    <form id="wh-composer" class="wh-composer">
      <label for="wh-file" class="wh-attach" title="Attach a file"><span aria-hidden="true">📎</span><span class="wh-sr">Attach a file</span></label>
      <input type="file" id="wh-file" class="wh-sr">
      <label for="wh-message" class="wh-sr">Message</label>
      <textarea id="wh-message" rows="1" placeholder="Type a message…" maxlength="4000"></textarea>
      <button type="submit" id="wh-send" class="wh-send">Send</button>
    </form>
    <p id="wh-error" class="wh-error" role="alert"></p>
  </section>
</main>
<script type="module" src="${base}/assets/app.js"></script>
</body>
</html>
`
}
