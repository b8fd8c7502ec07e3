import type Database from 'better-sqlite3'
import { SQLITE_SCHEMA, SQLITE_SCHEMA_VERSION } from './sqlite-schema.js'

const THREAD_COLUMNS = 'channel_id, thread_id, customer_id, status, closed_reason, created_at, last_activity_at, contact_id, next_seq'
const MESSAGE_COLUMNS = 'channel_id, message_id, thread_id, direction, seq, text, attachments, author_name, created_at, status, raw'

/**
 * Version 1 (user_version 0, the first release) kept thread and message ids globally unique, and one open thread
 * per customer (a unique index). Version 2 keys both by channel. The rows are copied as they are: a v1 id was
 * unique everywhere, so it stays unique within its channel. A message takes its thread's channel.
 */
function fromV1 (db: Database.Database): void {
  db.exec(`
    DROP INDEX IF EXISTS threads_one_open;
    DROP INDEX IF EXISTS threads_by_customer;
    ALTER TABLE threads RENAME TO threads_v1;
    ALTER TABLE messages RENAME TO messages_v1;
  `)
  db.exec(SQLITE_SCHEMA)
  db.exec(`
    INSERT INTO threads (${THREAD_COLUMNS}) SELECT ${THREAD_COLUMNS} FROM threads_v1;
    INSERT INTO messages (${MESSAGE_COLUMNS})
      SELECT COALESCE(t.channel_id, m.channel_id), m.message_id, m.thread_id, m.direction, m.seq, m.text, m.attachments,
        m.author_name, m.created_at, m.status, m.raw
      FROM messages_v1 m LEFT JOIN threads_v1 t ON t.thread_id = m.thread_id;
    DROP TABLE messages_v1;
    DROP TABLE threads_v1;
  `)
}

/**
 * Brings the file to SQLITE_SCHEMA_VERSION in one IMMEDIATE transaction: several processes opening the same file
 * at once take turns, and every one after the first finds the version already current. A crash midway rolls back
 * to the old layout, which the next start migrates again.
 */
export function migrateSqlite (db: Database.Database): void {
  db.transaction(() => {
    const version = db.pragma('user_version', { simple: true }) as number
    if (version === SQLITE_SCHEMA_VERSION) return
    if (version > SQLITE_SCHEMA_VERSION) {
      throw new Error(`the store file has schema version ${version}; this byoc-hub knows up to ${SQLITE_SCHEMA_VERSION} (downgrade refused)`)
    }
    const hasV1 = version === 0 && db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'threads'").get() !== undefined
    if (hasV1) fromV1(db)
    // a new file, version 2 (which lacks the idempotency_expiry index) or 3: the DDL creates what is missing
    else db.exec(SQLITE_SCHEMA)
    // versions 1 to 3 made the timers table without its claim column, which CREATE TABLE IF NOT EXISTS does not add
    const timerColumns = db.prepare('SELECT name FROM pragma_table_info(\'timers\')').pluck().all() as string[]
    if (!timerColumns.includes('claimed_until')) db.exec('ALTER TABLE timers ADD COLUMN claimed_until INTEGER')
    // version 4 keeps the customer's language; older files have the table without the column
    const customerColumns = db.prepare('PRAGMA table_info(customers)').all() as Array<{ name: string }>
    if (!customerColumns.some(c => c.name === 'locale')) db.exec('ALTER TABLE customers ADD COLUMN locale TEXT')
    db.pragma(`user_version = ${SQLITE_SCHEMA_VERSION}`)
  }).immediate()
}
