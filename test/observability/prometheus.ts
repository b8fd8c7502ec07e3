import { execFileSync } from 'node:child_process'

const which = (bin: string): string | undefined => {
  try { return execFileSync('which', [bin], { encoding: 'utf8' }).trim() || undefined } catch { return undefined }
}

/** Debian's prometheus package: promtool and the server (.ci/run installs it) */
export const promtool = which('promtool')
export const prometheus = which('prometheus')
