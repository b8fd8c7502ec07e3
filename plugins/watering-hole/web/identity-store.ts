// The animal's identity lives in the hub origin's storage (the widget runs in the hub's iframe), so a reload keeps
// the same customer and conversation; where the browser denies that storage, in memory for this visit (storage.ts).
import { t } from './i18n.js'
import { storage } from './storage.js'

export interface StoredIdentity { token: string, name: string, avatar: string }

const KEY = 'watering-hole.identity'

export function loadIdentity (): StoredIdentity | undefined {
  try {
    const value = JSON.parse(storage.get(KEY) ?? 'null') as StoredIdentity | null
    return value !== null && typeof value.token === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

export function forgetIdentity (): void { storage.remove(KEY) }

/** The hub renews the token on every connection (it expires after identityTtl without use): keep the new one. */
export function renewIdentity (identity: StoredIdentity, token: string): StoredIdentity {
  const renewed = { ...identity, token }
  storage.set(KEY, JSON.stringify(renewed))
  return renewed
}

/** `locale`: the language the page is in, which the hub keeps with the customer (its idle lines are written in it). */
export async function introduce (base: string, name: string, avatar: string, locale: string, token?: string): Promise<StoredIdentity> {
  const res = await fetch(`${base}/identity`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, avatar, locale, ...(token !== undefined ? { token } : {}) })
  })
  const body = await res.json() as { token?: string, customer?: { name: string, avatar: string }, error?: { message: string } }
  if (!res.ok || body.token === undefined || body.customer === undefined) throw new Error(body.error?.message ?? t('couldNotStart'))
  const identity = { token: body.token, name: body.customer.name, avatar: body.customer.avatar }
  storage.set(KEY, JSON.stringify(identity))
  return identity
}
