import fp from 'fastify-plugin'

/**
 * Headers every answer gets unless its route set its own: `nosniff` (a browser must not run a JSON body or an
 * upload as HTML or script), no referrer (URLs carry one-time tokens and customer ids), and for an HTML page that
 * brought no CSP of its own, one that at least forbids framing. Pages with a policy of their own (action pages,
 * widget, console) keep it; this is the net under them, so a new HTML route is never unprotected.
 */
export const securityHeaders = fp(async (app) => {
  // a callback hook (no promise per response)
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('x-content-type-options')) reply.header('x-content-type-options', 'nosniff')
    if (!reply.hasHeader('referrer-policy')) reply.header('referrer-policy', 'no-referrer')
    const type = String(reply.getHeader('content-type') ?? '')
    if (/^text\/html|^image\/svg/.test(type) && !reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
    }
    done(null, payload)
  })
}, { name: 'byoc-hub-security-headers', fastify: '5.x' })
