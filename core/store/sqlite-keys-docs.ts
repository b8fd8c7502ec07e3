import type { Row, SqliteSql } from './sqlite-sql.js'
import type { DocumentsPort } from './ports/documents.js'
import type { SigningKey, SigningKeysPort } from './ports/keys.js'
import type { LeasesPort } from './ports/leases.js'

/** Signing keys on SQLite: one row per kid, the first insert wins. */
export function sqliteSigningKeys (sql: SqliteSql): SigningKeysPort {
  return {
    async listSigningKeys (): Promise<SigningKey[]> {
      return (sql.prepare('SELECT * FROM signing_keys ORDER BY created_at, kid').all() as Row[])
        .map(r => ({ kid: r.kid, secret: r.secret, createdAt: r.created_at }))
    },

    async addSigningKey (k: SigningKey): Promise<void> {
      sql.prepare('INSERT OR IGNORE INTO signing_keys (kid, secret, created_at) VALUES (?, ?, ?)').run(k.kid, k.secret, k.createdAt)
    }
  }
}

/** Documents and remembered values on SQLite; expired idempotency rows are purged by sqlite-expiry.ts. */
export function sqliteDocuments (sql: SqliteSql): DocumentsPort {
  return {
    async putDoc (collection: string, id: string, doc: unknown): Promise<void> {
      sql.prepare('INSERT OR REPLACE INTO docs (collection, id, doc) VALUES (?, ?, ?)').run(collection, id, JSON.stringify(doc))
    },

    async getDoc<T> (collection: string, id: string): Promise<T | undefined> {
      const r = sql.prepare('SELECT doc FROM docs WHERE collection = ? AND id = ?').get(collection, id) as Row | undefined
      return r ? JSON.parse(r.doc) as T : undefined
    },

    async deleteDoc (collection: string, id: string): Promise<boolean> {
      return sql.prepare('DELETE FROM docs WHERE collection = ? AND id = ?').run(collection, id).changes === 1
    },

    async listDocs<T> (collection: string): Promise<T[]> {
      return (sql.prepare('SELECT doc FROM docs WHERE collection = ? ORDER BY rowid').all(collection) as Row[]).map(r => JSON.parse(r.doc) as T)
    },

    async remember (scope: string, key: string, value: unknown, ttlMs: number): Promise<{ value: unknown, created: boolean }> {
      return sql.tx(() => {
        const now = Date.now()
        const r = sql.prepare('SELECT value, expires_at FROM idempotency WHERE scope = ? AND key = ?').get(scope, key) as Row | undefined
        if (r && r.expires_at > now) return { value: JSON.parse(r.value), created: false }
        sql.prepare('INSERT OR REPLACE INTO idempotency (scope, key, value, expires_at) VALUES (?, ?, ?, ?)').run(scope, key, JSON.stringify(value), now + ttlMs)
        return { value, created: true }
      })
    },

    async recall (scope: string, key: string): Promise<unknown> {
      const r = sql.prepare('SELECT value FROM idempotency WHERE scope = ? AND key = ? AND expires_at > ?').get(scope, key, Date.now()) as Row | undefined
      return r ? JSON.parse(r.value) : undefined
    }
  }
}

/** Named leases on SQLite: one conditional upsert, so two processes sharing the file never both hold one. */
export function sqliteLeases (sql: SqliteSql): LeasesPort {
  return {
    async tryLease (name: string, owner: string, ttlMs: number, now = Date.now()): Promise<boolean> {
      const r = sql.prepare(`INSERT INTO leases (name, owner, until) VALUES (?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, until = excluded.until WHERE leases.until <= ? OR leases.owner = excluded.owner`)
        .run(name, owner, now + ttlMs, now)
      return r.changes === 1
    },

    async releaseLease (name: string, owner: string): Promise<void> {
      sql.prepare('DELETE FROM leases WHERE name = ? AND owner = ?').run(name, owner)
    }
  }
}
