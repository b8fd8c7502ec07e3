import { request } from 'undici'
import type { ByocConfig } from '../../config/schema.js'

/** Where the CLI finds the running hub's admin API: $BYOC_HUB_URL, else the hub's own listener on this machine. */
export function adminBaseUrl (config: ByocConfig): string {
  const given = process.env.BYOC_HUB_URL
  if (given) return given.replace(/\/+$/, '')
  const host = config.server.host
  const local = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host
  return `http://${local}:${config.server.port}`
}

export class HubUnreachable extends Error {}

/** POSTs to the running hub's admin API with admin.token; an error answer throws with its code and message. */
export async function callAdmin<T> (config: ByocConfig, path: string, body?: unknown): Promise<T> {
  const url = `${adminBaseUrl(config)}${path}`
  let res
  try {
    res = await request(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${config.admin.token!}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {})
    })
  } catch (err) {
    throw new HubUnreachable(`no hub answers at ${url}: ${(err as Error).message}`)
  }
  const answer = await res.body.json() as T & { error?: { code: string, message: string } }
  if (res.statusCode >= 400) throw new Error(`${answer.error?.code ?? `HTTP ${res.statusCode}`}: ${answer.error?.message ?? ''}`)
  return answer
}
