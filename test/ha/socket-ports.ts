import { readFileSync, readdirSync, readlinkSync } from 'node:fs'

/**
 * The local TCP ports of the sockets a process holds open (Linux /proc): which process made a call a test server is
 * holding, told by the call's remote port. Sockets in /proc/<pid>/fd are named by inode; /proc/net/tcp{,6} map
 * inodes to local addresses.
 */
export function tcpPortsOf (pid: number): Set<number> {
  const inodes = new Set<string>()
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))
      if (m) inodes.add(m[1]!)
    } catch { /* closed meanwhile */ }
  }
  const ports = new Set<number>()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = ''
    try { text = readFileSync(table, 'utf8') } catch { continue }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/)
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
      if (cols.length > 9 && inodes.has(cols[9]!)) ports.add(parseInt(cols[1]!.split(':')[1]!, 16))
    }
  }
  return ports
}
