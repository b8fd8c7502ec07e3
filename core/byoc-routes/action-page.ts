/** The small pages an admin sees after clicking Add/Reconnect/Remove in CXone. No script: a plain form. */

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!))

/**
 * Headers of every action page. Nobody may frame them (a framed "Connect" button is a clickjacking target), and the
 * form may post only to the hub, with the redirect that follows going only to `formAction` (Chromium applies
 * form-action to that redirect too). The referrer would carry the one-time token in its query string: never sent.
 */
export function actionPageHeaders (formAction = "'none'"): Record<string, string> {
  return {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer'
  }
}

const STYLE = `body{font:16px system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1d2b1f}
.choice{display:block;padding:.6rem;border:1px solid #cfd8cf;border-radius:.4rem;margin:.4rem 0}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#2e6b3a;color:#fff;cursor:pointer}`

function page (title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>byoc-hub: ${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body>${body}</body></html>`
}

const verbOf = (action: string): string => action === 'add' ? 'Connect' : action === 'reconnect' ? 'Reconnect' : 'Remove'

export function renderActionPage (action: string, session: string, choices: Array<{ id: string, name: string, cxoneChannelId: string }>, refusedReturn?: string): string {
  const verb = verbOf(action)
  const options = choices.map((c, i) => `<label class="choice"><input type="radio" name="channel" value="${escapeHtml(c.id)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(c.name)} <small>(${escapeHtml(c.cxoneChannelId)})</small></label>`).join('\n')
  return page(`${verb} a channel`, `<h1>${verb} a channel</h1>
${refusedReturn ? `<p role="note">${refusedNote(refusedReturn)} You will stay on this hub's page when done.</p>` : ''}
${choices.length === 0
? '<p>No configured channel matches. Add one to the hub\'s YAML config and try again.</p>'
: `<form method="post">
<input type="hidden" name="session" value="${escapeHtml(session)}">
<fieldset><legend>Channel</legend>${options}</fieldset>
<p><button type="submit">${verb}</button></p></form>`}`)
}

/** The end of the flow when there is no trusted place to go back to. */
export function renderDonePage (action: string, channelName: string, refusedReturn?: string): string {
  const done = action === 'add' ? 'connected to CXone' : action === 'reconnect' ? 'reconnected to CXone' : 'removed from CXone'
  return page('done', `<h1>Done</h1><p role="status">Channel ${escapeHtml(channelName)} is ${done}.</p>
${refusedReturn ? `<p role="note">${refusedNote(refusedReturn)}</p>` : ''}<p>You can close this page.</p>`)
}

export function renderErrorPage (status: number, code: string, message: string, refusedReturn?: string): string {
  return page('error', `<h1>That did not work</h1><p role="alert">${escapeHtml(message)}</p>
${refusedReturn ? `<p role="note">${refusedNote(refusedReturn)}</p>` : ''}<p><small>HTTP ${status} · ${escapeHtml(code)}</small></p>`)
}

function refusedNote (url: string): string {
  let host = url
  try { host = new URL(url).host } catch { /* shown as given */ }
  return `The return address (${escapeHtml(host)}) is not one of this hub's CXone hosts, so the hub does not send you there. ` +
    'If it is your CXone, add it to <code>cxone.actionReturnHosts</code>.'
}
