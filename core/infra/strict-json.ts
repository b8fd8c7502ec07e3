import type { FastifyInstance } from 'fastify'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * JSON bodies must be valid UTF-8: Node's default decoding turns bad bytes into U+FFFD silently, and the mangled
 * text would be relayed to CXone as if the customer had typed it. Parsing stays Fastify's own (proto-poisoning
 * refused, empty body refused, bodyLimit applied while reading).
 */
export function strictJson (app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string
    try {
      text = utf8.decode(body as Buffer)
    } catch {
      done(Object.assign(new Error('Request body is not valid UTF-8'), { statusCode: 400, code: 'FST_ERR_CTP_INVALID_JSON_BODY' }), undefined)
      return
    }
    parse(request, text, done)
  })
}
