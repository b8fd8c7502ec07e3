import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { PLUGIN_API_SEMVER } from '../../core/plugin-api/version.js'

const ROOT = resolve(import.meta.dirname, '../..')
const built = existsSync(join(ROOT, 'dist/core/channels/plugin-api-hooks.js')) && existsSync(join(ROOT, 'dist/plugins/generic-webhook/index.js'))

function cli (args: string[]): Promise<{ code: number | null, out: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TAP|_TAP|NODE_OPTIONS$|TS_NODE)/.test(k)))
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/byoc-hub.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => { out += c.toString() })
    child.stderr.on('data', (c: Buffer) => { out += c.toString() })
    child.on('error', reject)
    child.on('close', code => resolve({ code, out }))
  })
}

const SECRET = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`
const yaml = (dir: string, plugin: string, config: string) => `server: { host: 127.0.0.1, port: 0 }
auth: { clients: [{ clientId: sandbox, clientSecret: sandbox-secret-0123456789abcdef }] }
store: { driver: sqlite, path: ${join(dir, 'hub.db')} }
channels:
  - id: probe
    plugin: ${plugin}
    cxoneChannelId: chat_probe
    config: ${config}
`

// From the build (npm start), plugins import '@byoc-hub/plugin-api' and must get the hub's compiled copy: the
// workspace link points at TypeScript sources node cannot run. `npm test` builds first (pretest).
t.test('from dist/, plugins resolve @byoc-hub/plugin-api to the hub\'s compiled copy', { skip: built ? false : 'no build in dist/: run npm run build (npm test does)' }, async t => {
  const dir = t.testdir({
    'first-party.yaml': yaml('.', join(ROOT, 'plugins/generic-webhook'), `{ platformUrl: 'http://127.0.0.1:9/x', secret: '${SECRET}', mapping: { messageId: /id, customerId: /user, text: /text } }`),
    'too-new.mjs': `import { defineChannelPlugin, Type } from '@byoc-hub/plugin-api'
export default defineChannelPlugin({ name: 'probe', apiVersion: 1, apiRange: '^1.99.0', configSchema: Type.Object({}), capabilities: { attachments: false, typingIndicators: false, readReceipts: false, richMessages: [] }, register () { throw new Error('never') } })
`,
    'too-new.yaml': yaml('.', './too-new.mjs', '{}')
  })
  const ok = await cli(['check-config', '--config', join(dir, 'first-party.yaml')])
  t.equal(ok.code, 0, ok.out)
  t.match(ok.out, /valid/, 'the compiled generic-webhook loaded')
  const refused = await cli(['check-config', '--config', join(dir, 'too-new.yaml')])
  t.equal(refused.code, 1, 'a plugin needing a newer API is refused')
  // the hub names the API version it speaks (minors grow as host methods are added, so read it rather than pin it)
  t.match(PLUGIN_API_SEMVER, /^1\.\d+\.\d+$/)
  t.ok(refused.out.includes(`needs plugin API ^1.99.0, this hub speaks ${PLUGIN_API_SEMVER}`), refused.out)
})
