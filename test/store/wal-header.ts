import { closeSync, openSync, readSync } from 'node:fs'

/** The WAL header's checkpoint sequence number (bytes 12-15): SQLite bumps it each time the WAL starts over. */
export function walRestarts (walPath: string): number {
  const fd = openSync(walPath, 'r')
  try {
    const header = Buffer.alloc(16)
    return readSync(fd, header, 0, 16, 0) === 16 ? header.readUInt32BE(12) : 0
  } finally { closeSync(fd) }
}
