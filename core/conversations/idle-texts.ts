// The lines the idle rule writes to a customer ("Are you still there?", the end line), in the customer's language.
// They are recorded in CXone, so the agent reads what the customer read. A channel's explicitly configured
// rules.idle.warningText / endText win over this catalogue; languages not listed here fall back to English.
const UNITS: ReadonlyArray<[ms: number, unit: 'hour' | 'minute' | 'second']> = [[3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']]

interface IdleCatalogue {
  readonly warning: string
  /** `{duration}`: the countdown the customer actually had, in words */
  readonly end: string
}

const CATALOGUE: Readonly<Record<string, IdleCatalogue>> = {
  en: { warning: 'Are you still there?', end: 'The chat ended after {duration} without an answer' },
  fr: { warning: 'Êtes-vous toujours là ?', end: 'La discussion s\'est terminée après {duration} sans réponse' },
  ar: { warning: 'هل ما زلت هنا؟', end: 'انتهت المحادثة بعد {duration} دون رد' }
}

/** "fr-CA" -> "fr" when we have it; English otherwise. */
function languageOf (locale: string | undefined): string {
  const primary = locale?.toLowerCase().split(/[-_]/)[0]
  return primary !== undefined && primary in CATALOGUE ? primary : 'en'
}

/**
 * 20000 -> "20 seconds", 120000 -> "2 minutes", 90000 -> "90 seconds": the largest unit that divides it evenly,
 * spelled in the customer's language by the runtime's own plural rules (Intl).
 */
export function describeDuration (ms: number, locale?: string): string {
  const language = languageOf(locale)
  for (const [size, unit] of UNITS) {
    if (ms >= size && ms % size === 0) {
      return new Intl.NumberFormat(language, { style: 'unit', unit, unitDisplay: 'long', useGrouping: false }).format(ms / size)
    }
  }
  return new Intl.NumberFormat(language, { style: 'unit', unit: 'millisecond', unitDisplay: 'long', useGrouping: false }).format(ms)
}

/**
 * End lines already spelled, by language and countdown: an Intl.NumberFormat costs tens of microseconds to build,
 * and a burst of idle timers writes thousands of lines a second with the same few (a handful of languages, one
 * countdown per channel).
 */
const endTexts = new Map<string, string>()

/** The end line when `rules.idle.endText` is not configured: it states the countdown the customer actually had. */
export function defaultEndText (countdownMs: number, locale?: string): string {
  const language = languageOf(locale)
  const key = `${language}:${countdownMs}`
  let text = endTexts.get(key)
  if (text === undefined) {
    text = CATALOGUE[language].end.replace('{duration}', describeDuration(countdownMs, language))
    endTexts.set(key, text)
  }
  return text
}

/** The prompt when `rules.idle.warningText` is not configured. */
export const defaultWarningText = (locale?: string): string => CATALOGUE[languageOf(locale)].warning

/** What the idle rule writes to this customer: configured texts as they are, else the catalogue's in their language. */
export function idleTexts (idle: { readonly warningText?: string, readonly endText?: string, readonly countdownMs: number }, locale: string | undefined): { warningText: string, endText: string } {
  return {
    warningText: idle.warningText ?? defaultWarningText(locale),
    endText: idle.endText ?? defaultEndText(idle.countdownMs, locale)
  }
}
