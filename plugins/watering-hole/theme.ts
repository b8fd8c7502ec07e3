// The brand colour is drawn under white text (header, buttons, the customer's own bubbles), so the hub refuses one
// that white text cannot be read on: WCAG 2.1 AA asks 4.5:1 for normal text (1.4.3).
export const DEFAULT_PRIMARY_COLOR = '#2f6b3a'
export const TEXT_ON_PRIMARY = '#ffffff'
export const MIN_CONTRAST = 4.5

/** WCAG 2.1 relative luminance of a #rrggbb colour. */
function luminance (hex: string): number {
  const [r, g, b] = [1, 3, 5].map(i => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4
  })
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** WCAG contrast ratio of two #rrggbb colours, 1 to 21. */
export function contrastRatio (a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (hi + 0.05) / (lo + 0.05)
}

/** The theme's problems, as the hub's config errors word them ('/theme/primaryColor: ...'). */
export function themeProblems (theme: { primaryColor: string }): string[] {
  const ratio = contrastRatio(theme.primaryColor, TEXT_ON_PRIMARY)
  if (ratio >= MIN_CONTRAST) return []
  return [`/theme/primaryColor: ${theme.primaryColor} has a contrast of ${ratio.toFixed(2)}:1 against the white text drawn on it; ` +
    `WCAG 2.1 AA needs at least ${MIN_CONTRAST}:1 (choose a darker colour)`]
}

/** Derived shades, so one brand colour themes the whole widget. `amount` < 0 darkens toward black. */
export function shade (hex: string, amount: number): string {
  const channel = (i: number): string => {
    const c = parseInt(hex.slice(i, i + 2), 16)
    const v = amount < 0 ? c * (1 + amount) : c + (255 - c) * amount
    return Math.round(v).toString(16).padStart(2, '0')
  }
  return `#${channel(1)}${channel(3)}${channel(5)}`
}

/** The stylesheet the page links before widget.css's rules use it (a file, so the page's CSP needs no inline style). */
export function themeCss (theme: { primaryColor: string }): string {
  return `:root { --wh-primary: ${theme.primaryColor}; --wh-primary-dark: ${shade(theme.primaryColor, -0.25)}; --wh-primary-tint: ${shade(theme.primaryColor, 0.85)}; --wh-on-primary: ${TEXT_ON_PRIMARY}; }\n`
}
