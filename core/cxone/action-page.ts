import { escapeHtml } from './action-routes.js'

/** The small page an admin sees after clicking Add/Reconnect/Remove in CXone. No script: a plain form. */
export function renderActionPage (action: string, session: string, choices: Array<{ id: string, name: string, cxoneChannelId: string }>): string {
  const verb = action === 'add' ? 'Connect' : action === 'reconnect' ? 'Reconnect' : 'Remove'
  const options = choices.map((c, i) => `<label class="choice"><input type="radio" name="channel" value="${escapeHtml(c.id)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(c.name)} <small>(${escapeHtml(c.cxoneChannelId)})</small></label>`).join('\n')
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>byoc-hub: ${verb} a channel</title>
<style>body{font:16px system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1d2b1f}
.choice{display:block;padding:.6rem;border:1px solid #cfd8cf;border-radius:.4rem;margin:.4rem 0}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:.4rem;background:#2e6b3a;color:#fff;cursor:pointer}</style></head>
<body><h1>${verb} a channel</h1>
${choices.length === 0 ? '<p>No configured channel matches. Add one to the hub\'s YAML config and try again.</p>' : `<form method="post">
<input type="hidden" name="session" value="${escapeHtml(session)}">
<fieldset><legend>Channel</legend>${options}</fieldset>
<p><button type="submit">${verb}</button></p></form>`}
</body></html>`
}
