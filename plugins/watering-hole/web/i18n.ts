// The page's message catalogue, in the language the hub chose for it (plugins/watering-hole/i18n): the page carries
// it as JSON in #wh-strings, so the browser code has no string of its own.
const strings = JSON.parse(document.getElementById('wh-strings')?.textContent ?? '{}') as Record<string, string>

/** The page's language ("en", "fr", "ar"): what the widget tells the hub the customer speaks. */
export const locale = document.documentElement.lang || 'en'

export function t (key: string, values: Record<string, string | number> = {}): string {
  const template = strings[key] ?? key
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => name in values ? String(values[name]) : whole)
}
