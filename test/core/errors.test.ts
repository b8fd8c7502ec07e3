import t, { type Test } from 'tap'
import Fastify from 'fastify'
import { readFileSync, readdirSync } from 'node:fs'
import { join, relative } from 'node:path'
import { CxoneFailureCodes, Errors, hubError, isHubError } from '../../core/errors.js'
import { errorHandler } from '../../core/infra/error-handler.js'
import { ChannelUnsupportedError, definePluginErrors } from '../../core/plugin-api/index.js'
import { ROOT } from '../helper.js'

const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8')

/** `| \`CODE\` | 404 | …` rows: the codes docs/errors.md gives an HTTP status. */
function documentedStatuses (t: Test): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [, code, status] of doc.matchAll(/^\| `(BYOC_[A-Z0-9_]+)` \| (\d{3}) \|/gm)) {
    t.notOk(code! in out, `${code} has one row`)
    out[code!] = Number(status)
  }
  return out
}

function sourceFiles (dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter(e => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map(e => relative(ROOT, join(e.parentPath, e.name)))
    .filter(f => !f.split('/').some(part => part === 'dist' || part === 'node_modules'))
}

t.test('docs/errors.md lists every code of the table with its status, and nothing the table lacks', async t => {
  const fromTable: Record<string, number> = Object.fromEntries(Object.values(Errors).map(e => [e.code, e.statusCode]))
  t.equal(Object.keys(fromTable).length, Object.keys(Errors).length, 'codes are unique')
  for (const code of Object.keys(fromTable)) t.match(code, /^BYOC_ERR_[A-Z_]+$/, `${code} follows BYOC_ERR_<AREA>_<WHAT>`)
  // the plugin contract's one code lives in plugin-api (which cannot import the table) and is documented beside it
  const unsupported = new ChannelUnsupportedError('carousel')
  t.same(documentedStatuses(t), { ...fromTable, [unsupported.code]: unsupported.statusCode })
})

t.test('docs/errors.md lists exactly the codes a failed CXone call is recorded with', async t => {
  const section = doc.slice(doc.indexOf('## Errors toward CXone'), doc.indexOf('\n## ', doc.indexOf('## Errors toward CXone') + 1))
  const documented = [...section.matchAll(/^\| `(BYOC_ERR_CXONE_[A-Z_]+)` \| /gm)].map(m => m[1])
  t.same(documented.sort(), [...CxoneFailureCodes].sort())
  t.ok(doc.includes('`BYOC_ERR_HTTP_<status>`'), 'the fallback family for library 4xx errors is documented')
})

t.test('every BYOC_ERR_* code written in the core or config is one of the table', async t => {
  const known = new Set<string>([...Object.values(Errors).map(e => e.code), ...CxoneFailureCodes, new ChannelUnsupportedError('x').code])
  const files = [...sourceFiles('core'), ...sourceFiles('config')]
  t.ok(files.length > 100, 'the scan sees the source tree')
  for (const file of files) {
    // a code ends in a letter or digit: the prefix 'BYOC_ERR_SANDBOX_' the console API tests against is not one
    for (const [, code] of readFileSync(join(ROOT, file), 'utf8').matchAll(/['"`](BYOC_ERR_[A-Z0-9_]*[A-Z0-9])['"`]/g)) {
      t.ok(known.has(code!), `${file}: ${code} is in core/errors.ts`)
    }
  }
})

t.test('the core defines no plugin code, and plugin-api imports nothing from the core', async t => {
  for (const file of sourceFiles('core').filter(f => !f.startsWith('core/plugin-api/'))) {
    t.notMatch(readFileSync(join(ROOT, file), 'utf8'), /BYOC_[A-Z0-9_]+_ERR_/, `${file} has no BYOC_<PREFIX>_ERR_ code`)
  }
  for (const file of sourceFiles('core/plugin-api')) {
    for (const [, spec] of readFileSync(join(ROOT, file), 'utf8').matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) {
      t.notOk(spec!.startsWith('../'), `${file}: ${spec} is inside plugin-api or a package`)
    }
  }
})

t.test('hubError: the table message, a detail after a colon, the cause, the code and status', async t => {
  const cause = new Error('ECONNRESET')
  const err = hubError('THREAD_UNKNOWN', 't-1', { cause })
  t.ok(err instanceof Errors.THREAD_UNKNOWN, 'an instance of its class')
  t.notOk(err instanceof Errors.THREAD_CLOSED, 'and of no other')
  t.match(err, { code: 'BYOC_ERR_THREAD_UNKNOWN', statusCode: 404, message: 'Unknown thread: t-1', cause })
  t.match(err.stack?.split('\n')[0], /Unknown thread: t-1$/, 'the stack\'s first line has the whole message')
  t.equal(hubError('MESSAGE_EMPTY').message, 'Message has neither text nor attachments', 'no detail, no colon')
  t.equal(new Errors.SANDBOX_NOT_FOUND('Thread x%sy not found').message, 'Thread x%sy not found', 'sandbox entries carry the caller\'s message whole')
  t.ok(isHubError(err))
  t.notOk(isHubError(new (definePluginErrors('ACME', { NOPE: { statusCode: 400, message: 'nope' } }).NOPE)()), 'a plugin error is not the hub\'s')
  t.notOk(isHubError(Object.assign(new Error('x'), { code: 'BYOC_ERR_INTERNAL' })), 'nor a plain error with a borrowed code')
})

t.test('the error handler answers a table error with its JSON body, hiding 5xx messages', async t => {
  const app = Fastify()
  await app.register(errorHandler)
  app.get('/thread', async () => { throw hubError('THREAD_UNKNOWN', 't-1') })
  app.get('/plugin-config', async () => { throw hubError('PLUGIN_INVALID', 'secret path /etc/x') })
  app.get('/teapot', async () => { throw Object.assign(new Error('short and stout'), { statusCode: 418, code: 'LIB_TEAPOT' }) })
  t.teardown(() => app.close())

  const thread = await app.inject('/thread')
  t.equal(thread.statusCode, 404)
  t.same(thread.json(), { error: { code: 'BYOC_ERR_THREAD_UNKNOWN', message: 'Unknown thread: t-1' } })
  const internal = await app.inject('/plugin-config')
  t.equal(internal.statusCode, 500)
  t.same(internal.json(), { error: { code: 'BYOC_ERR_INTERNAL', message: 'Internal error' } })
  const teapot = await app.inject('/teapot')
  t.same([teapot.statusCode, teapot.json()], [418, { error: { code: 'BYOC_ERR_HTTP_418', message: 'short and stout' } }])
})
