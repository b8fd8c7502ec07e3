import { request } from 'undici'
import { CLIENT } from './constants.js'

export const tokenBody = JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })

/**
 * A bearer token from a /1.0/token route (the hub's or a baseline's), as CXone fetches it: set-up, not measured, so
 * a 503 (the hub's pressure guard, with Retry-After) is asked again a second later, up to ten times.
 */
export async function fetchToken (url: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: tokenBody })
    const out = await res.body.json() as { access_token: string }
    if (res.statusCode === 503 && attempt < 10) { await new Promise(resolve => setTimeout(resolve, 1000)); continue }
    if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${JSON.stringify(out)}`)
    return out.access_token
  }
}
