import { api } from './api.js'
import { el } from './render.js'

/** The Integrations section: mints a one-time token and links to the hub's channel-management pages. */
export function setupIntegrations (): void {
  const button = document.getElementById('mint-token') as HTMLButtonElement
  const links = document.getElementById('integration-links') as HTMLUListElement
  const status = document.getElementById('integrations-status') as HTMLElement
  button.addEventListener('click', async () => {
    status.textContent = ''
    try {
      const { links: urls } = await api.oneTimeToken()
      links.replaceChildren(
        el('li', {}, el('a', { href: urls.add }, 'Add channel')),
        el('li', {}, el('a', { href: urls.reconnect }, 'Reconnect channel')),
        el('li', {}, el('a', { href: urls.remove }, 'Remove channel')))
    } catch (err) {
      status.textContent = (err as Error).message
    }
  })
}
