import { request } from 'undici'
import { CLIENT } from './constants.js'

export const tokenBody = JSON.stringify({ grant_type: 'client_credentials', client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })

/** A bearer token from a /1.0/token route (the hub's or the baseline's), as CXone fetches it. */
export async function fetchToken (url: string): Promise<string> {
  const res = await request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: tokenBody })
  const out = await res.body.json() as { access_token: string }
  if (res.statusCode !== 200) throw new Error(`token: ${res.statusCode} ${JSON.stringify(out)}`)
  return out.access_token
}
