import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import type { ChannelHost } from '@byoc-hub/plugin-api'
import type { WateringHoleConfig } from '../config.js'
import { WateringHoleErrors } from '../errors.js'
import { avatarSvg, isAvatar } from '../assets/avatars.js'
import { chatPage } from '../assets/page.js'
import { WIDGET_CSS } from '../assets/styles.js'
import { CATALOGUES, chooseLocale } from '../i18n/index.js'
import { themeCss } from '../theme.js'
import { frameAncestors } from './origin.js'

const here = dirname(fileURLToPath(import.meta.url))

/**
 * Where the package's tsconfig.web.json put the browser code: dist/web, beside us when running from dist/, or under
 * the package folder when running the TypeScript sources (tests, dev).
 */
export function webDir (): string | undefined {
  const candidates = [join(here, '..', 'web'), join(here, '..', 'dist', 'web')]
  return candidates.find(d => existsSync(join(d, 'app.js')))
}

const MODULE_NAME = /^[a-z][a-z0-9-]*\.js$/

export function staticRoutes (scope: FastifyInstance, host: ChannelHost<WateringHoleConfig>): void {
  const dir = webDir()
  if (dir === undefined) host.log.warn('watering-hole browser code is not built (npm run build); the widget will not load')
  const cache = new Map<string, Buffer>()
  async function webFile (name: string): Promise<Buffer> {
    if (dir === undefined || !MODULE_NAME.test(name)) throw new WateringHoleErrors.NOT_FOUND('No such file.')
    const hit = cache.get(name)
    if (hit !== undefined) return hit
    try {
      const content = await readFile(join(dir, name))
      cache.set(name, content)
      return content
    } catch {
      throw new WateringHoleErrors.NOT_FOUND('No such file.')
    }
  }

  // The embed view is what widget.js puts in an iframe on the customer's pages, so those pages (allowedOrigins) may
  // frame it; the standalone page is never framed (a framed page is a clickjacking target). The embed loader itself
  // is a script on the host page and needs no frame rights.
  const security = (embedded: boolean) => ({
    'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob: http: https:; " +
      `connect-src 'self'; frame-ancestors ${embedded ? frameAncestors(host.config.allowedOrigins) : "'none'"}; base-uri 'none'; form-action 'none'; object-src 'none'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer'
  })

  // lang: the embedding page's <html lang>, which the embed passes on; the browser's own languages come as Accept-Language
  scope.get<{ Querystring: { embed?: string, lang?: string } }>('/', async (request, reply) => {
    const embedded = request.query.embed === '1'
    const locale = chooseLocale(host.config.locale, request.query.lang, request.headers['accept-language'])
    const { logoUrl } = host.config.theme
    return await reply.headers(security(embedded)).header('vary', 'accept-language').header('content-language', locale)
      .type('text/html; charset=utf-8')
      .send(chatPage({ base: scope.prefix, title: host.config.title, embedded, locale, ...(logoUrl !== undefined ? { logoUrl } : {}) }))
  })

  // The loader runs on the customer's page before any chat page exists, so it carries the launcher's name in each
  // shipped language (and the configured locale, which wins), handed to its code as an argument: no global on the page.
  const launcherTexts = JSON.stringify({
    locale: host.config.locale ?? null,
    labels: Object.fromEntries(Object.entries(CATALOGUES).map(([l, c]) => [l, c.launcher])),
    primary: host.config.theme.primaryColor
  }).replace(/</g, '\\u003c')
  scope.get('/widget.js', async (_request, reply) => {
    return await reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache')
      .header('access-control-allow-origin', '*').send(`(function (WH_EMBED) {\n${(await webFile('embed.js')).toString('utf8')}\n})(${launcherTexts});\n`)
  })

  const THEME_CSS = themeCss(host.config.theme)
  scope.get('/assets/theme.css', async (_request, reply) => {
    return await reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(THEME_CSS)
  })

  scope.get('/assets/widget.css', async (_request, reply) => {
    return await reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send(WIDGET_CSS)
  })

  scope.get<{ Params: { name: string } }>('/assets/:name', async (request, reply) => {
    return await reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff').send(await webFile(request.params.name))
  })

  scope.get<{ Params: { name: string } }>('/avatars/:name', async (request, reply) => {
    const name = request.params.name.replace(/\.svg$/, '')
    if (!isAvatar(name)) throw new WateringHoleErrors.NOT_FOUND('No such avatar.')
    return await reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(avatarSvg(name))
  })
}
