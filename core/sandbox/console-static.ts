import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { Errors } from '../errors.js'
import { consoleTokenValid, presentedConsoleToken, refuseConsole, setConsoleCookie } from './console-auth.js'

const here = dirname(fileURLToPath(import.meta.url))

/** The repository (or package) root: the nearest ancestor holding package.json. */
function packageRoot (): string {
  let dir = here
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir)
  return dir
}

/**
 * Where the console's files are. Running from dist/, everything sits beside this file once the build copied
 * the .html/.css; running from source (tests), the .html/.css are in core/sandbox/web and the compiled
 * browser JS in dist/core/sandbox/web (tsconfig.web.json).
 */
export function consoleDirs (): { assets: string, scripts: string } {
  const root = packageRoot()
  const pick = (file: string, candidates: string[]) => candidates.find(d => existsSync(join(d, file))) ?? candidates[0]!
  const local = join(here, 'web')
  return {
    assets: pick('console.html', [local, join(root, 'core', 'sandbox', 'web')]),
    scripts: pick('console.js', [local, join(root, 'dist', 'core', 'sandbox', 'web')])
  }
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8' }
const SAFE_NAME = /^[a-z0-9-]+\.(html|css|js)$/

/**
 * Every console answer: no framing (clickjacking an agent into replying), no sniffing, and no Referer, since the
 * page's own URL may carry its login token.
 */
export const CONSOLE_HEADERS = {
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; " +
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer'
} as const

/**
 * GET /console/ (the page), /console/<name>.css and /console/js/<name>.js; only flat, known file names.
 * The page accepts its login token as ?token= (the URL `byoc-hub start` prints) and answers 200 with an HttpOnly,
 * SameSite=Strict cookie holding it, with no redirect; everything else under /console needs that cookie (or a bearer).
 */
export const consoleStatic = (token: string): FastifyPluginAsync => async (app) => {
  const dirs = consoleDirs()
  const cookiePath = app.prefix || '/'
  app.addHook('onSend', async (_req, reply) => { reply.headers(CONSOLE_HEADERS) })
  app.addHook('onRequest', async (req, reply) => {
    const query = (req.query as { token?: unknown }).token
    const isPage = req.routeOptions.url === `${app.prefix}/console/` && typeof query === 'string'
    if (isPage) {
      if (!consoleTokenValid(query, token)) return refuseConsole(reply)
      setConsoleCookie(req, reply, token, cookiePath)
      return undefined
    }
    if (req.routeOptions.url === `${app.prefix}/console`) return undefined // the redirect to /console/ shows nothing
    return consoleTokenValid(presentedConsoleToken(req), token) ? undefined : refuseConsole(reply)
  })
  const serve = async (dir: string, name: string, reply: FastifyReply) => {
    if (!SAFE_NAME.test(name)) return reply.code(404).send({ error: { code: Errors.SANDBOX_NOT_FOUND.code, message: 'Not found' } })
    const file = resolve(dir, name)
    try {
      const body = await readFile(file)
      return reply.type(TYPES[name.slice(name.lastIndexOf('.'))]!).header('cache-control', 'no-store').send(body)
    } catch {
      const hint = name.endsWith('.js') ? ' (run `npm run build` to compile the console)' : ''
      return reply.code(404).send({ error: { code: Errors.SANDBOX_NOT_FOUND.code, message: `Console file ${name} not found${hint}` } })
    }
  }
  app.get('/console', async (req, reply) => {
    const q = req.url.indexOf('?')
    return reply.redirect(`${app.prefix}/console/${q >= 0 ? req.url.slice(q) : ''}`)
  })
  app.get('/console/', async (_req, reply) => serve(dirs.assets, 'console.html', reply))
  app.get<{ Params: { name: string } }>('/console/:name', async (req, reply) => serve(dirs.assets, req.params.name, reply))
  app.get<{ Params: { name: string } }>('/console/js/:name', async (req, reply) => serve(dirs.scripts, req.params.name, reply))
}
