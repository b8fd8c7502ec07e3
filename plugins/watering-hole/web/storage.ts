// Where the widget keeps what must survive a reload (identity, outbox). Normally the hub origin's localStorage; but
// a browser that blocks third-party storage (Chromium with third-party cookies blocked, Incognito, Brave) throws on
// the very first `localStorage` read inside the embed's iframe. Then the widget still works for this visit, from
// memory, and says so (`persistent` is false).
export interface KeyValueStore {
  readonly persistent: boolean
  get (key: string): string | null
  set (key: string, value: string): void
  remove (key: string): void
}

function localStore (): KeyValueStore | undefined {
  try {
    const ls = window.localStorage // the getter itself throws when storage is denied
    const probe = 'watering-hole.probe'
    ls.setItem(probe, '1')
    ls.removeItem(probe)
    return {
      persistent: true,
      get: key => ls.getItem(key),
      // a quota error or a storage revoked mid-visit must not break the chat: the value is simply not kept
      set: (key, value) => { try { ls.setItem(key, value) } catch { /* not kept */ } },
      remove: key => { try { ls.removeItem(key) } catch { /* nothing to remove */ } }
    }
  } catch {
    return undefined
  }
}

function memoryStore (): KeyValueStore {
  const values = new Map<string, string>()
  return {
    persistent: false,
    get: key => values.get(key) ?? null,
    set: (key, value) => { values.set(key, value) },
    remove: key => { values.delete(key) }
  }
}

export const storage: KeyValueStore = localStore() ?? memoryStore()
