import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Value } from 'typebox/value'
import type { ChannelHost, ChannelWebhook, ReceiveResult, WebhookEventOf } from '../plugin-api/index.js'
import type { DocumentsPort } from '../store/types.js'
import { hubError } from '../errors.js'
import { checkWebhookHeaders, DEFAULT_TOLERANCE_SECONDS } from './webhook-headers.js'

/**
 * How long a webhook-id's answer is kept. Far beyond the timestamp window (so an exact replay is always known), and
 * beyond the day or so a Standard Webhooks sender keeps retrying, so a late retry of a done delivery is not redone.
 */
const ANSWER_TTL_MS = 26 * 3600_000
const utf8 = new TextDecoder('utf-8', { fatal: true })

type WebhookAnswer = { readonly ignored: true } | { readonly messages: ReceiveResult['messages'] }
/** Kept per webhook-id once a delivery was fully handled: the timestamp it came with, and what it was answered. */
interface AnsweredDelivery { readonly timestamp: string, readonly answer: WebhookAnswer }

export interface WebhookPipelineDeps {
  readonly channelId: string
  readonly host: ChannelHost<unknown, unknown>
  readonly store: DocumentsPort
}

/** The answer to a retry of a done delivery: the first answer, every message marked as the duplicate it is. */
function asDuplicate (answer: WebhookAnswer): WebhookAnswer {
  return 'messages' in answer ? { messages: answer.messages.map(m => ({ ...m, duplicate: true })) } : answer
}

function schemaProblems (schema: ChannelWebhook<unknown>['schema'], body: unknown): string | undefined {
  if (Value.Check(schema, body)) return undefined
  return [...Value.Errors(schema, body)].slice(0, 3).map(e => `${e.instancePath || '/'} ${e.message}`).join('; ')
}

/**
 * Mounts a plugin's webhooks in their own encapsulated scope under /channels/<id>: core owns the pipeline, so
 * nothing about an event is believed, not even its JSON, before the signature checks out, and a message answered
 * 2xx is stored (durably, deduplicated by message id) before the answer leaves.
 */
export async function mountWebhooks (scope: FastifyInstance, webhooks: ReadonlyArray<ChannelWebhook<unknown>>, d: WebhookPipelineDeps): Promise<void> {
  // the signature covers the exact bytes: this scope keeps them as they came (bodyLimit still applies)
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => { done(null, body) })
  // Fastify's own JSON parser: proto and constructor poisoning refused, as on every other route
  const jsonParser = scope.getDefaultJsonParser('error', 'error')
  const parseJson = (req: FastifyRequest, raw: Buffer): Promise<unknown> => new Promise((resolve, reject) => {
    let text: string
    try { text = utf8.decode(raw) } catch { reject(hubError('WEBHOOK_MALFORMED', 'not valid UTF-8')); return }
    jsonParser(req, text, (err, body) => { if (err) reject(hubError('WEBHOOK_MALFORMED', undefined, { cause: err })); else resolve(body) })
  })

  const receive = async (events: ReadonlyArray<WebhookEventOf<unknown>>): Promise<ReceiveResult['messages']> => {
    const out: Array<ReceiveResult['messages'][number]> = []
    for (const event of events) { // in order: the platform's order is the conversation's
      // customer upsert, thread, message and its DFO job: one store step per message
      out.push(...(await d.host.receiveCustomerEvent(event)).messages)
    }
    return out
  }

  for (const webhook of webhooks) {
    if (!webhook.path.startsWith('/')) throw hubError('PLUGIN_INVALID', `channel '${d.channelId}': webhook path '${webhook.path}' must start with /`)
    const toleranceSeconds = webhook.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS
    const answers = `webhook:${d.channelId}:${webhook.path}`

    scope.post(webhook.path, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
      const { id, timestamp } = checkWebhookHeaders(req.headers, toleranceSeconds)
      let signed = false
      try { signed = webhook.verify(raw, req.headers) } catch (err) { req.log.warn({ err }, 'webhook verify threw; treated as a bad signature') }
      if (!signed) throw hubError('WEBHOOK_SIGNATURE')

      // A webhook-id is answered once. The same delivery again (same timestamp) is a replay: 200, not processed. A
      // sender's retry of a done delivery (re-signed later) gets the first answer, marked duplicate. A delivery that
      // failed half-way left no answer, so its retry is processed, and host.receive dedupes by message id.
      const earlier = await d.store.recall(answers, id) as AnsweredDelivery | undefined
      if (earlier) {
        return earlier.timestamp === timestamp
          ? reply.code(200).send({ duplicate: true, replay: true })
          : reply.code(202).send(asDuplicate(earlier.answer))
      }

      const body = await parseJson(req, raw)
      const problems = schemaProblems(webhook.schema, body)
      if (problems) throw hubError('WEBHOOK_SCHEMA', problems)
      const events = webhook.toEvents(body)
      const answer: WebhookAnswer = events.length === 0 ? { ignored: true } : { messages: await receive(events) }
      await d.store.remember(answers, id, { timestamp, answer } satisfies AnsweredDelivery, ANSWER_TTL_MS)
      return reply.code(202).send(answer)
    })
  }
}
