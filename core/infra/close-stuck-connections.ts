import type { FastifyInstance } from 'fastify'
import type { Socket } from 'node:net'

export interface StuckConnectionGuard { arm (graceMs: number): void, disarm (): void }

/**
 * A graceful close waits for connections to end; a half-closed socket (the peer went away mid-upgrade, say) never
 * does, and Node does not count it as keeping the process alive, so close() would never finish. The guard remembers
 * every socket and, once armed at shutdown, ends what is left after the grace period: in-flight work had its time.
 */
export function stuckConnectionGuard (app: FastifyInstance): StuckConnectionGuard {
  const sockets = new Set<Socket>()
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  })
  let timer: NodeJS.Timeout | undefined
  return {
    arm (graceMs) {
      timer = setTimeout(() => {
        for (const socket of sockets) socket.destroy()
        app.server.closeAllConnections?.()
      }, graceMs)
    },
    disarm () { clearTimeout(timer) }
  }
}
