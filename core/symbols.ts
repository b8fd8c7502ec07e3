/** Internal state kept off the public surface (as fastify's lib/symbols.js does). */
export const kHub = Symbol.for('byoc-hub.internals')
