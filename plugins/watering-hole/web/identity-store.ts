// The animal's identity lives in localStorage (of the hub's origin: the widget runs in the hub's iframe),
// so a reload keeps the same customer and conversation.
export interface StoredIdentity { token: string, name: string, avatar: string }

const KEY = 'watering-hole.identity'

export function loadIdentity (): StoredIdentity | undefined {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? 'null') as StoredIdentity | null
    return value !== null && typeof value.token === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

export function forgetIdentity (): void { localStorage.removeItem(KEY) }

/** The hub renews the token on every connection (it expires after identityTtl without use): keep the new one. */
export function renewIdentity (identity: StoredIdentity, token: string): StoredIdentity {
  const renewed = { ...identity, token }
  localStorage.setItem(KEY, JSON.stringify(renewed))
  return renewed
}

export async function introduce (base: string, name: string, avatar: string, token?: string): Promise<StoredIdentity> {
  const res = await fetch(`${base}/identity`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, avatar, ...(token !== undefined ? { token } : {}) })
  })
  const body = await res.json() as { token?: string, customer?: { name: string, avatar: string }, error?: { message: string } }
  if (!res.ok || body.token === undefined || body.customer === undefined) throw new Error(body.error?.message ?? 'Could not start the chat.')
  const identity = { token: body.token, name: body.customer.name, avatar: body.customer.avatar }
  localStorage.setItem(KEY, JSON.stringify(identity))
  return identity
}
