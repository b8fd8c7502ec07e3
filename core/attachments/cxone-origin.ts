import { isIP } from 'node:net'

/**
 * Whether a URL is one of CXone's own (so the hub may fetch it): on the DFO base's origin, or over HTTPS on a host
 * under the DFO host's parent domain (api-de-na1.niceincontact.com → *.niceincontact.com), where DFO's signed file
 * links live. Nothing else is fetched: IP hosts and other origins fail, so a URL from a message cannot reach the
 * hub's own network (the SSRF guard, test/reliability/security/ssrf.test.ts).
 */
export function isCxoneUrl (url: string, dfoBase: string): boolean {
  let u: URL, base: URL
  try { u = new URL(url); base = new URL(dfoBase) } catch { return false }
  if (u.username !== '' || u.password !== '') return false
  if (u.origin === base.origin) return true
  if (u.protocol !== 'https:' || base.protocol !== 'https:' || isIP(base.hostname) !== 0 || isIP(u.hostname) !== 0) return false
  const labels = base.hostname.split('.')
  if (labels.length < 3) return false
  const parent = labels.slice(1).join('.')
  return u.hostname.endsWith(`.${parent}`) && (u.port === '' || u.port === '443')
}
