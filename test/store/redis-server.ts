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

/** A key prefix of the caller's own on the shared Redis; its keys are deleted (through `admin`; `*prefix*` also finds the hash-tagged `{prefix}` keys) when `t` ends. */
export function freshPrefix (t: { teardown: (fn: () => Promise<void>) => void }, admin: Redis): string {
  const prefix = `byoc-test:${randomBytes(6).toString('hex')}:`
  t.teardown(async () => {
    for (let cursor = '0'; ;) {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `*${prefix}*`, 'COUNT', 1000)
      if (keys.length) await admin.del(...keys)
      cursor = next
      if (cursor === '0') break
    }
  })
  return prefix
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
