import { createServer, connect, type Server, type Socket } from 'node:net'

/** What the proxy does to new and live connections. */
export interface ProxyFaults {
  /** delay before each chunk is forwarded, both ways */
  latencyMs?: number
  /** accept, then close at once without a byte (a crashed peer behind a load balancer) */
  drop?: boolean
  /** accept, then RST (ECONNRESET at the client) */
  reset?: boolean
  /** hold every byte (a hung peer); released bytes flow again when pause is lifted */
  pause?: boolean
}

export interface FaultProxy {
  url: string
  port: number
  /** connections accepted since start (count probes while a breaker is open) */
  readonly connections: number
  set (faults: ProxyFaults): void
  /** RST every open connection now (a partition that breaks pooled keep-alive sockets) */
  resetAll (): void
  close (): Promise<void>
}

/**
 * A small TCP fault proxy on loopback, in front of any upstream (the CXone emulator, a platform mock): latency,
 * drop, reset and pause, switchable at run time. Toxiproxy-like, with no extra process.
 */
export async function startFaultProxy (target: { host?: string, port: number }): Promise<FaultProxy> {
  let faults: ProxyFaults = {}
  let connections = 0
  const open = new Set<Socket>()
  const paused: Array<() => void> = []

  const pipe = (from: Socket, to: Socket): void => {
    from.on('data', (chunk: Buffer) => {
      const forward = (): void => { if (!to.destroyed) to.write(chunk) }
      const send = (): void => { faults.latencyMs ? setTimeout(forward, faults.latencyMs) : forward() }
      if (faults.pause) { from.pause(); paused.push(() => { from.resume(); send() }) } else send()
    })
    from.on('end', () => { const end = (): void => { if (!to.destroyed) to.end() }; faults.latencyMs ? setTimeout(end, faults.latencyMs) : end() })
    from.on('error', () => to.destroy())
    from.on('close', () => { open.delete(from); if (!to.destroyed) to.destroy() })
  }

  const server: Server = createServer(client => {
    connections++
    open.add(client)
    if (faults.reset) { client.resetAndDestroy(); return }
    if (faults.drop) { client.destroy(); return }
    const upstream = connect({ host: target.host ?? '127.0.0.1', port: target.port })
    open.add(upstream)
    upstream.on('error', () => client.destroy())
    pipe(client, upstream)
    pipe(upstream, client)
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get connections () { return connections },
    set (next) {
      faults = { ...next }
      if (!faults.pause) for (const release of paused.splice(0)) release()
    },
    resetAll () { for (const s of open) s.resetAndDestroy() },
    close: async () => {
      for (const s of open) s.destroy()
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}
