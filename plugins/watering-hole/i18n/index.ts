import { ar } from './ar.js'
import { en, type Catalogue, type MessageKey } from './en.js'
import { fr } from './fr.js'

export type { Catalogue, MessageKey }

/** The languages the widget ships. English is the fallback for anything else. */
export const CATALOGUES = { en, fr, ar } as const satisfies Record<string, Catalogue>
export type Locale = keyof typeof CATALOGUES
export const LOCALES = Object.keys(CATALOGUES) as Locale[]
export const DEFAULT_LOCALE: Locale = 'en'
const RTL: ReadonlySet<Locale> = new Set(['ar'])

export const isRtl = (locale: Locale): boolean => RTL.has(locale)

/** "fr-CA" -> "fr"; undefined when we do not ship that language. */
export function supportedLocale (tag: string | undefined): Locale | undefined {
  const primary = tag?.trim().toLowerCase().split(/[-_]/)[0]
  return primary !== undefined && (LOCALES as string[]).includes(primary) ? primary as Locale : undefined
}

/** The best shipped language for an Accept-Language header, by its q-values; undefined when none fits. */
export function fromAcceptLanguage (header: string | undefined): Locale | undefined {
  if (header === undefined) return undefined
  const ranked = header.split(',').map((part, i) => {
    const [tag, ...params] = part.trim().split(';')
    const q = Number(params.map(p => p.trim()).find(p => p.startsWith('q='))?.slice(2) ?? '1')
    return { tag, q: Number.isFinite(q) ? q : 0, i }
  }).filter(r => r.q > 0).sort((a, b) => b.q - a.q || a.i - b.i)
  for (const r of ranked) {
    const locale = supportedLocale(r.tag)
    if (locale !== undefined) return locale
  }
  return undefined
}

/**
 * The widget's language: the channel's configured `locale` wins; else the embedding page's `lang` (the embed passes
 * it on), else the browser's languages (Accept-Language); else English.
 */
export function chooseLocale (configured: string | undefined, pageLang: string | undefined, acceptLanguage: string | undefined): Locale {
  return supportedLocale(configured) ?? supportedLocale(pageLang) ?? fromAcceptLanguage(acceptLanguage) ?? DEFAULT_LOCALE
}

export function format (template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => name in values ? String(values[name]) : whole)
}
