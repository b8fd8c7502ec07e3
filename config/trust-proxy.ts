import { isIP } from 'node:net'

/** proxy-addr's names for address ranges (Fastify accepts them in a trustProxy list). */
const RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal'])

/**
 * `server.trustProxy` from the environment arrives as a string: "true"/"false", a hop count ("1"), or a comma list
 * of addresses. Converted here, before the schema's own conversion, which would read "true" as the hop count 1.
 */
export function normalizeTrustProxy (tree: unknown): void {
  const server = (tree as { server?: Record<string, unknown> } | undefined)?.server
  const v = server?.trustProxy
  if (!server || typeof v !== 'string') return
  const s = v.trim()
  server.trustProxy = s === 'true' ? true : s === 'false' ? false : /^\d+$/.test(s) ? Number(s) : s.split(',').map(x => x.trim()).filter(Boolean)
}

/** `true` believes any client's own X-Forwarded-For; list entries must be addresses, CIDRs or proxy-addr range names. */
export function trustProxyProblems (value: unknown): string[] {
  if (value === true) {
    return ['/server/trustProxy: true trusts the X-Forwarded-For a client sends itself, so anyone could choose the address rate limits count; give the number of proxies in front of the hub (e.g. 1) or their addresses/CIDRs']
  }
  if (!Array.isArray(value)) return []
  return value.flatMap((entry, i) => {
    if (typeof entry !== 'string') return []
    const [addr, bits, extra] = entry.split('/')
    const family = isIP(addr ?? '')
    const maxBits = family === 6 ? 128 : 32
    const ok = RANGE_NAMES.has(entry) || (family !== 0 && extra === undefined && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits)))
    return ok ? [] : [`/server/trustProxy/${i}: '${entry}' is not an address, a CIDR or one of ${[...RANGE_NAMES].join(', ')}`]
  })
}

/** Fastify's option: a hop count as the function Fastify itself builds from one (its types take no number). */
export function fastifyTrustProxy (value: boolean | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof value === 'number' ? (_address, hop) => hop < value : value
}
