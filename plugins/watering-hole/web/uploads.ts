import { el } from './dom.js'
import { t } from './i18n.js'
import type { SealedAttachment } from './protocol.js'

function base64Of (file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''))
    reader.onerror = () => reject(reader.error ?? new Error('could not read the file'))
    reader.readAsDataURL(file)
  })
}

/** Files picked for the next message: uploaded at once, sent with the message as sealed references. */
export class Uploads {
  private ready: SealedAttachment[] = []
  private busy = 0

  constructor (private readonly base: string, private readonly token: () => string, private readonly shelf: HTMLElement,
    private readonly onError: (message: string) => void) {}

  get uploading (): boolean { return this.busy > 0 }

  take (): SealedAttachment[] {
    const out = this.ready
    this.ready = []
    this.shelf.replaceChildren()
    return out
  }

  async add (file: File): Promise<void> {
    const chip = el('span', 'wh-file-chip', t('uploading', { name: file.name }))
    this.shelf.append(chip)
    this.busy++
    try {
      const res = await fetch(`${this.base}/attachments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token()}` },
        body: JSON.stringify({ friendlyName: file.name, mimeType: file.type || 'application/octet-stream', contentBase64: await base64Of(file) })
      })
      const body = await res.json() as { attachment?: SealedAttachment, error?: { message: string } }
      if (!res.ok || body.attachment === undefined) throw new Error(body.error?.message ?? t('uploadFailed'))
      const { friendlyName, url, mimeType, seal } = body.attachment
      this.ready.push({ friendlyName, url, mimeType, seal })
      chip.textContent = `📎 ${t('attached', { name: file.name })}`
    } catch (err) {
      chip.remove()
      this.onError(err instanceof Error ? err.message : t('uploadFailed'))
    } finally {
      this.busy--
    }
  }
}
