const UNITS: ReadonlyArray<[ms: number, one: string]> = [[3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']]

/** 20000 -> "20 seconds", 120000 -> "2 minutes", 90000 -> "90 seconds": the largest unit that divides it evenly. */
export function describeDuration (ms: number): string {
  for (const [size, one] of UNITS) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size
      return `${n} ${one}${n === 1 ? '' : 's'}`
    }
  }
  return `${ms} milliseconds`
}

/** The end line when `rules.idle.endText` is not set: it states the countdown the customer actually had. */
export const defaultEndText = (countdownMs: number): string => `The chat ended after ${describeDuration(countdownMs)} without an answer`
