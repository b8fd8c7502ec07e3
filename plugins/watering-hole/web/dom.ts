/** The element with this id; the page template guarantees it exists. */
export function byId<T extends HTMLElement = HTMLElement> (id: string): T {
  const el = document.getElementById(id)
  if (el === null) throw new Error(`#${id} missing from the page`)
  return el as T
}

export function el<K extends keyof HTMLElementTagNameMap> (tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (className !== undefined) node.className = className
  if (text !== undefined) node.textContent = text
  return node
}

/** Only http(s) links reach the DOM: a javascript: URL in an attachment must never become clickable. */
export function safeUrl (url: string): string | undefined {
  try {
    const u = new URL(url, location.href)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined
  } catch {
    return undefined
  }
}

export const AVATAR_GLYPHS: Record<string, string> = {
  lion: '🦁', zebra: '🦓', giraffe: '🦒', elephant: '🐘', hippo: '🦛', rhino: '🦏', leopard: '🐆', monkey: '🐒'
}
