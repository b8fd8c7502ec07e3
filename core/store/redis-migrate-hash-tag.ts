import type { Redis } from 'ioredis'

/*
 * Layout 2 -> 3: every key moves from `P name` to `{P}name` (redis-codec.ts hashTagged), values and TTLs kept.
 * It runs on a single Redis (layouts 1 and 2 never ran on a cluster: their scripts declared no keys), where RENAME
 * is atomic; each batch is one script that skips what is already moved, so a move cut off midway is finished by
 * whoever runs it next.
 */
export const HASH_TAG_LUA = {
  // KEYS: {P} (routes the script; a single Redis ignores it); ARGV: pairs of (old key, new key)
  moveKeys: `
local n = 0
for i = 1, #ARGV, 2 do
  if redis.call('EXISTS', ARGV[i]) == 1 and redis.call('EXISTS', ARGV[i + 1]) == 0 then
    redis.call('RENAME', ARGV[i], ARGV[i + 1])
    n = n + 1
  end
end
return n`
} as const

/**
 * The names layout 2 used after its prefix (redis.ts lists them), and the rate limiter's and auth counter's
 * windows. A key under the prefix with another name is not ours (say a deployment whose prefix extends this one,
 * `byoc:` and `byoc:eu:`) and stays where it is.
 */
const LAYOUT_2_NAME = /^(schema$|cust:|cust-at:|cust-channels$|t:|open-cu:|threads$|threads-(ch|open|cu):|m:|tm:|job-seq$|j:|dedupe$|q:|heads$|jobs$|jobs:(pending|done|dead)$|pending-age$|idem:|timers$|timers-due$|signing-keys$|lease:|doc:|rl:|authfail:)/

const BATCH = 500

/** SCAN MATCH treats * ? [ ] and \ as pattern syntax; a prefix is matched as written. */
const globEscape = (s: string): string => s.replace(/[*?[\]\\]/g, '\\$&')

/** Moves every layout-2 key under `P` to `ns` (= {P}); returns how many moved. */
export async function moveToHashTag (redis: Redis, P: string, ns: string, moveKeys: (...pairs: string[]) => Promise<unknown>, renew: () => Promise<unknown>): Promise<number> {
  let moved = 0
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${globEscape(P)}*`, 'COUNT', BATCH)
    cursor = next
    const pairs = keys.filter(key => !key.startsWith(ns) && LAYOUT_2_NAME.test(key.slice(P.length))).flatMap(key => [key, ns + key.slice(P.length)])
    if (pairs.length > 0) moved += Number(await moveKeys(...pairs))
    await renew()
  } while (cursor !== '0')
  return moved
}
