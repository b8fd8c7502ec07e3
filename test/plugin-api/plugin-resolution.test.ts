import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { PLUGIN_API_SEMVER } from '../../core/plugin-api/version.js'
import { testDir } from '../test-dir.js'

const ROOT = resolve(import.meta.dirname, '../..')
const built = existsSync(join(ROOT, 'dist/core/cli/main.js')) && existsSync(join(ROOT, 'plugins/generic-webhook/dist/index.js'))

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
const GENERIC = `{ platformUrl: 'http://127.0.0.1:9/x', secret: '${SECRET}', mapping: { messageId: /id, customerId: /user, text: /text } }`
const yaml = (plugin: string, config: string) => `server: { host: 127.0.0.1, port: 0 }
auth: { clients: [{ clientId: sandbox, clientSecret: sandbox-secret-0123456789abcdef }] }
store: { driver: sqlite, path: ./hub.db }
channels:
  - id: probe
    plugin: ${plugin}
    cxoneChannelId: chat_probe
    config: ${config}
`
// a plugin as npm installs one: ESM only, its entry under exports' import condition, not at index.js
const probePackage = (apiRange: string) => ({
  'package.json': JSON.stringify({ name: 'byoc-hub-plugin-probe', version: '1.0.0', type: 'module', exports: { '.': { types: './lib/main.d.ts', import: './lib/main.js' } } }),
  lib: {
    'main.js': `import { defineChannelPlugin, Type } from '@byoc-hub/plugin-api'
export default defineChannelPlugin({ name: 'probe', apiVersion: 1, apiRange: '${apiRange}', configSchema: Type.Object({}, { additionalProperties: false }), capabilities: { attachments: false, typingIndicators: false, readReceipts: false, richMessages: [] }, register () { throw new Error('never') } })
`
  }
})

// The compiled hub (bin/byoc-hub.js, as installed) loading plugins the ways a config names them. `npm test` builds first.
t.test('plugin: entries resolve as in a user\'s install', { skip: built ? false : 'no build: run npm run build (npm test does)' }, async t => {
  const dir = testDir(t, {
    'folder.yaml': yaml(join(ROOT, 'plugins/generic-webhook'), GENERIC),
    'by-name.yaml': yaml('byoc-hub-plugin-probe', '{}'),
    'missing.yaml': yaml('byoc-hub-plugin-nowhere', '{}'),
    'unbuilt.yaml': yaml('./unbuilt', '{}'),
    unbuilt: { 'package.json': JSON.stringify({ name: 'byoc-hub-plugin-unbuilt', type: 'module', main: './dist/index.js' }) },
    node_modules: { 'byoc-hub-plugin-probe': probePackage('^1.0.0') },
    'too-new': { 'too-new.yaml': yaml('byoc-hub-plugin-probe', '{}'), node_modules: { 'byoc-hub-plugin-probe': probePackage('^1.99.0') } }
  })

  const folder = await cli(['check-config', '--config', join(dir, 'folder.yaml')])
  t.equal(folder.code, 0, folder.code === 0 ? 'check-config passes' : folder.out)
  t.match(folder.out, /valid/, 'a package folder loads through its package.json (generic-webhook\'s own build)')

  const byName = await cli(['check-config', '--config', join(dir, 'by-name.yaml')])
  t.equal(byName.code, 0, byName.code === 0 ? 'check-config passes' : byName.out)
  t.match(byName.out, /valid/, 'an npm name loads from node_modules beside the config, through exports')

  const missing = await cli(['check-config', '--config', join(dir, 'missing.yaml')])
  t.equal(missing.code, 1)
  t.match(missing.out, /package byoc-hub-plugin-nowhere is not installed/, 'a name not installed says so')

  const unbuilt = await cli(['check-config', '--config', join(dir, 'unbuilt.yaml')])
  t.equal(unbuilt.code, 1)
  t.match(unbuilt.out, /entry \.\/dist\/index\.js does not exist \(is the plugin built\?/, 'a folder whose entry is missing says what to do')

  const refused = await cli(['check-config', '--config', join(dir, 'too-new/too-new.yaml')])
  t.equal(refused.code, 1, 'a plugin needing a newer API is refused')
  // the hub names the API version it speaks (minors grow as host methods are added, so read it rather than pin it)
  t.match(PLUGIN_API_SEMVER, /^1\.\d+\.\d+$/)
  t.ok(refused.out.includes(`needs plugin API ^1.99.0, this hub speaks ${PLUGIN_API_SEMVER}`), 'and told why')
})
