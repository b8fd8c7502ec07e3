/**
 * Which of a set of ids a stored string names. Ids (customer, thread, message ids) sit inside keys and values next
 * to other parts: `dfo-msg:<channel>:<message>`, `presence:<channel>:<customer>`, `<channel>|<id>`, a URL path,
 * or a JSON string of their own. An id counts as named where it stands between delimiters (or the string's ends),
 * so message `m1` is named in `deliver:ch:m1` but not in `deliver:ch:m10`. Ids may contain delimiters themselves;
 * every delimiter-bounded span is looked up, so those are found too.
 */
const DELIMITER = /[\s"':|/,;[\]{}()=&?#<>\\]/
/** The longest id the hub stores (core/plugin-api/id-rule.ts): no longer span can be one. */
const MAX_ID_LENGTH = 256

export class Mentions {
  private readonly ids: Set<string>

  constructor (ids: Iterable<string> = []) {
    this.ids = new Set([...ids].filter(id => id.length > 0))
  }

  get size (): number { return this.ids.size }

  add (id: string): boolean {
    if (id.length === 0 || this.ids.has(id)) return false
    this.ids.add(id)
    return true
  }

  /** The ids named in `text` (each once). */
  in (text: string): string[] {
    if (this.ids.size === 0 || text.length === 0) return []
    if (this.ids.has(text)) return [text]
    // span starts: the string's start and after each delimiter; span ends: before each delimiter and the end
    const starts = [0]
    const ends: number[] = []
    for (let i = 0; i < text.length; i++) {
      if (DELIMITER.test(text[i]!)) { ends.push(i); starts.push(i + 1) }
    }
    ends.push(text.length)
    const found = new Set<string>()
    let e0 = 0
    for (const s of starts) {
      while (e0 < ends.length && ends[e0]! < s) e0++
      for (let e = e0; e < ends.length && ends[e]! - s <= MAX_ID_LENGTH; e++) {
        if (ends[e]! > s) {
          const span = text.slice(s, ends[e])
          if (this.ids.has(span)) found.add(span)
        }
      }
    }
    return [...found]
  }

  /** The ids named anywhere in a JSON-like value: in its strings and its object keys. */
  inValue (value: unknown): string[] {
    const found = new Set<string>()
    const walk = (v: unknown): void => {
      if (typeof v === 'string') { for (const id of this.in(v)) found.add(id); return }
      if (Array.isArray(v)) { for (const x of v) walk(x); return }
      if (v !== null && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) { for (const id of this.in(k)) found.add(id); walk(x) }
      }
    }
    walk(value)
    return [...found]
  }

  /** Whether any of `texts` or `value` names one of the ids. */
  anyIn (texts: ReadonlyArray<string | undefined>, value?: unknown): boolean {
    return texts.some(t => t !== undefined && this.in(t).length > 0) || (value !== undefined && this.inValue(value).length > 0)
  }
}
