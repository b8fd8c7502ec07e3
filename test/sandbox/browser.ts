import { execFileSync } from 'node:child_process'
import { chromium, type Page } from 'playwright-core'
import type { Test } from 'tap'
import { until } from './helper.js'
import { TEST_CONSOLE_TOKEN } from '../helper.js'

let compiled = false
/** The console's browser code is compiled by the build's web step; compile it here so each test stands alone. */
export function compileConsole (): void {
  if (compiled) return
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.web.json'], { stdio: 'inherit' })
  compiled = true
}

/** Headless Chromium on the agent console at `${sandboxUrl}/console/?token=…` (as printed at start), closed on teardown. */
export async function openConsole (t: Test, sandboxUrl: string) {
  compileConsole()
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] })
  t.teardown(() => browser.close())
  const page: Page = await browser.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', e => pageErrors.push(e.message))
  await page.goto(`${sandboxUrl}/console/?token=${TEST_CONSOLE_TOKEN}`)
  const log = page.getByRole('log', { name: 'Transcript' })
  const logHas = (text: string) => until(async () => (await log.textContent())?.includes(text), `transcript to show "${text}"`)
  return { page, log, logHas, pageErrors }
}
