import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import type { Test } from 'tap'
import { Redis } from 'ioredis'

/**
 * The Redis the tests use: REDIS_URL, else 127.0.0.1:6379, started (no persistence) when nothing answers there.
 */
export async function redisUrl (): Promise<string> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  if (await answers(url)) return url
  if (process.env.REDIS_URL) throw new Error(`REDIS_URL ${url} does not answer`)
  execFileSync('redis-server', ['--daemonize', 'yes', '--bind', '127.0.0.1', '--port', '6379', '--save', '', '--appendonly', 'no'])
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    if (await answers(url)) return url
    await new Promise(resolve => setTimeout(resolve, 100))
  }
  throw new Error('redis-server did not start on 127.0.0.1:6379')
}

async function answers (url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  probe.on('error', () => {})
  try {
    await probe.connect()
    await probe.ping()
    return true
  } catch {
    return false
  } finally {
    probe.disconnect()
  }
}

/** A fresh key prefix on the test Redis, filled by `write` (an old key layout, say); its keys deleted when the test ends. */
export async function seededPrefix (t: Test, write: (r: Redis, P: string) => Promise<void>): Promise<{ url: string, admin: Redis, P: string }> {
  const url = await redisUrl()
  const admin = new Redis(url)
  const P = `byoc-test:${randomBytes(6).toString('hex')}:`
  t.teardown(async () => {
    const keys = await admin.keys(`*${P}*`)
    if (keys.length) await admin.del(...keys)
    await admin.quit()
  })
  await write(admin, P)
  return { url, admin, P }
}
