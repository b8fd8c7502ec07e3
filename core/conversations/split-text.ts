/** Splits text into parts of at most `max` characters, preferring whitespace; one part when it fits. */
export function splitText (text: string, max: number | undefined): string[] {
  if (!max || text.length <= max) return [text]
  const parts: string[] = []
  let rest = text
  while (rest.length > max) {
    let cut = rest.lastIndexOf(' ', max)
    if (cut < max / 2) cut = max
    const part = rest.slice(0, cut).trimEnd()
    // a run of spaces as long as the limit would make an empty part: a platform would show a blank message
    if (part.length > 0) parts.push(part)
    rest = rest.slice(cut).trimStart()
  }
  if (rest.length > 0) parts.push(rest)
  return parts
}
