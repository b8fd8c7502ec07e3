import type { FastifyInstance } from 'fastify'
import websocket from '@fastify/websocket'
import type { ChannelHost } from '@byoc-hub/plugin-api'
import type { WateringHoleConfig } from '../config.js'
import { WateringHoleErrors } from '../errors.js'
import { MAX_FRAME_BYTES } from '../frames.js'
import type { WateringHoleEvent } from '../inbound.js'
import { WidgetSession } from '../socket/session.js'
import { originAllowed, selfOrigin } from './origin.js'

const HELLO_TIMEOUT_MS = 10_000
const PING_INTERVAL_MS = 25_000

export async function socketRoutes (scope: FastifyInstance, host: ChannelHost<WateringHoleConfig, WateringHoleEvent>): Promise<void> {
  // @fastify/websocket listens to the server's 'upgrade' event; registering it twice would route every
  // upgrade twice, so reuse it when the hub already has it.
  if (!scope.hasDecorator('websocketServer')) await scope.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } })

  scope.get('/ws', {
    websocket: true,
    onRequest: async (request, reply) => {
      if (!originAllowed(request.headers.origin, selfOrigin(request), host.config.allowedOrigins)) {
        return await reply.code(403).send({ error: { code: WateringHoleErrors.ORIGIN_FORBIDDEN.code, message: 'This page may not open the chat.' } })
      }
    }
  }, (socket, request) => {
    const base = `${selfOrigin(request)}${scope.prefix}`
    const session = new WidgetSession(host, {
      send: frame => { if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame)) },
      close: (code, reason) => socket.close(code, reason),
      avatarUrl: avatar => `${base}/avatars/${avatar}.svg`
    })
    // A socket that never says hello holds nothing; drop it.
    const helloTimer = setTimeout(() => { if (!helloed) socket.close(4408, 'hello timeout') }, HELLO_TIMEOUT_MS)
    let helloed = false
    let alive = true
    const ping = setInterval(() => {
      if (!alive) { socket.terminate(); return }
      alive = false
      socket.ping()
    }, PING_INTERVAL_MS)
    socket.on('pong', () => { alive = true })
    socket.on('message', (data, isBinary) => {
      if (isBinary) { socket.close(1003, 'text frames only'); return }
      helloed = true
      session.onData(data.toString())
    })
    socket.on('close', () => {
      clearTimeout(helloTimer)
      clearInterval(ping)
      session.onClose()
    })
  })
}
