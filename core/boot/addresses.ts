import fp from 'fastify-plugin'
import { kConfig } from './config.js'

export interface HubAddresses {
  /** the URL the hub is reachable at (publicUrl, else its own listening address) */
  readonly selfUrl: () => string
  /** the hub's own address on loopback, whatever publicUrl says: the Host the sandbox builds its links from */
  readonly localUrl: () => string
}

export const kAddresses = Symbol('byoc-hub.addresses')
declare module 'fastify' {
  interface FastifyInstance { [kAddresses]: HubAddresses }
}

/** Where the hub is, asked when needed: the port is known only once it listens (port 0 in tests). */
export const addressesStep = fp(async (app) => {
  const server = app[kConfig].server
  const listeningPort = (): number => {
    const addr = app.server.address()
    return addr && typeof addr === 'object' ? addr.port : server.port
  }
  app.decorate(kAddresses, {
    selfUrl: () => {
      if (server.publicUrl) return server.publicUrl.replace(/\/$/, '')
      // listening on every interface: 'localhost' is what a person types; otherwise the exact address
      const host = server.host === '0.0.0.0' || server.host === '::' ? 'localhost' : '127.0.0.1'
      return `http://${host}:${listeningPort()}`
    },
    localUrl: () => `http://127.0.0.1:${listeningPort()}`
  })
}, { name: 'byoc-hub-addresses', fastify: '5.x', dependencies: ['byoc-hub-config'] })
