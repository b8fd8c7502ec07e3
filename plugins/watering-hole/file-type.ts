// Whether an upload may go to the agent: its declared type must be allowed, and its first bytes must agree with it
// where that is cheap to tell. The agent opens these files in CXone; a page renamed photo.png must not reach them
// as an "image", and no allowed type may carry markup a browser would render (or sniff) as HTML.

/** Images browsers show but cannot script (no SVG), PDF and plain text. */
export const DEFAULT_ALLOWED_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain']

const startsWith = (content: Buffer, ...bytes: number[]): boolean => content.length >= bytes.length && bytes.every((b, i) => content[i] === b)
const ascii = (content: Buffer, at: number, text: string): boolean => content.subarray(at, at + text.length).toString('latin1') === text

/** Magic numbers of the types we can recognise; a type missing here is checked for markup only. */
const SIGNATURES: Record<string, (c: Buffer) => boolean> = {
  'image/png': c => startsWith(c, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
  'image/jpeg': c => startsWith(c, 0xff, 0xd8, 0xff),
  'image/gif': c => ascii(c, 0, 'GIF87a') || ascii(c, 0, 'GIF89a'),
  'image/webp': c => ascii(c, 0, 'RIFF') && ascii(c, 8, 'WEBP'),
  'application/pdf': c => ascii(c, 0, '%PDF-'),
  'application/zip': c => startsWith(c, 0x50, 0x4b, 0x03, 0x04),
  'text/plain': c => !c.includes(0) && isUtf8(c)
}

// The WHATWG MIME sniffing table's HTML and XML patterns: what a browser would treat as a page.
const MARKUP = /^(?:\ufeff)?[\t\n\f\r ]*<(?:!doctype html|html|head|script|iframe|h1|div|font|table|a|style|title|b|body|br|p|!--|\?xml|svg)[\t\n\f\r />]/i

function isUtf8 (c: Buffer): boolean {
  try { new TextDecoder('utf-8', { fatal: true }).decode(c); return true } catch { return false }
}

function allowedBy (patterns: readonly string[], type: string): boolean {
  return patterns.some(p => p === type || (p.endsWith('/*') && type.startsWith(p.slice(0, -1))))
}

export type FileTypeVerdict = { ok: true } | { ok: false, reason: string }

export function checkFileType (content: Buffer, declared: string, allowed: readonly string[]): FileTypeVerdict {
  const type = declared.toLowerCase()
  if (!allowedBy(allowed, type)) return { ok: false, reason: `Files of type ${type} cannot be sent here.` }
  const signature = SIGNATURES[type]
  if (signature !== undefined && !signature(content)) return { ok: false, reason: `The file is not really ${type}.` }
  // text/html only when an operator allowed it by name: never by a wildcard, never disguised as another type
  if (type !== 'text/html' && MARKUP.test(content.subarray(0, 512).toString('latin1'))) return { ok: false, reason: 'Web pages cannot be sent here.' }
  return { ok: true }
}
