import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { ByocConfig } from '../../config/schema.js'

/** OpenAPI 3 generated from the routes' TypeBox schemas: /openapi.json, browsable at /docs. */
export const openApi = fp<{ config: ByocConfig }>(async (app, { config }) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'byoc-hub', version: '0.1.0', description: `CXone BYOC middleware. CXone-facing routes live under ${config.server.basePath}.` },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, adminToken: { type: 'http', scheme: 'bearer', description: 'admin.token' } } },
      tags: [{ name: 'cxone', description: 'Called by CXone' }, { name: 'channels', description: 'Called by platforms and widgets' }, { name: 'operations' }, { name: 'admin', description: 'Operators (admin.token): dead letters, erasure, export, channel status; absent when admin.token is unset' }]
    },
    hideUntagged: false
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}, { name: 'byoc-hub-openapi', fastify: '5.x' })
