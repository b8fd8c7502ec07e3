import t from 'tap'
import { readFileSync } from 'node:fs'
import { defineChannelPlugin, PLUGIN_API_SEMVER, PLUGIN_API_VERSION, satisfiesApiRange, Type } from '@byoc-hub/plugin-api'

t.test('the package version is the API version', async t => {
  const pkg = JSON.parse(readFileSync(new URL('../../core/plugin-api/package.json', import.meta.url), 'utf8'))
  t.equal(pkg.name, '@byoc-hub/plugin-api')
  t.equal(pkg.version, PLUGIN_API_SEMVER, 'package.json and PLUGIN_API_SEMVER move together')
  t.equal(Number(PLUGIN_API_SEMVER.split('.')[0]), PLUGIN_API_VERSION, 'apiVersion is the major')
})

t.test('ranges', async t => {
  const cases: Array<[string, string, boolean]> = [
    ['1.1.0', '^1.1.0', true], ['1.4.2', '^1.1.0', true], ['1.0.9', '^1.1.0', false], ['2.0.0', '^1.1.0', false],
    ['1.1.5', '~1.1.0', true], ['1.2.0', '~1.1.0', false], ['1.1.0', '>=1.0.0', true], ['0.9.0', '>=1.0.0', false],
    ['1.1.0', '1', true], ['1.1.0', '1.1', true], ['1.2.0', '1.1', false], ['1.1.0', '1.1.0', true], ['1.1.1', '1.1.0', false],
    ['1.1.0', '1.x', true]
  ]
  for (const [v, r, want] of cases) t.equal(satisfiesApiRange(v, r), want, `${v} ${want ? 'satisfies' : 'does not satisfy'} ${r}`)
  t.throws(() => satisfiesApiRange('1.1.0', '^1.1.0 || ^2'), /invalid plugin API range/, 'unions are refused, not ignored')
  t.throws(() => satisfiesApiRange('1.1.0', 'latest'), /invalid plugin API range/)
})

t.test('defineChannelPlugin checks what it can at import time', async t => {
  const base = {
    name: 'probe', apiVersion: 1 as const, configSchema: Type.Object({}),
    capabilities: { attachments: false, typingIndicators: false, readReceipts: false, richMessages: [] },
    register: () => { throw new Error('not called') }
  }
  t.ok(defineChannelPlugin(base), 'a minimal plugin')
  t.ok(defineChannelPlugin({ ...base, apiRange: `^${PLUGIN_API_SEMVER}` }), 'a range this hub satisfies')
  t.throws(() => defineChannelPlugin({ ...base, apiRange: '^1.99.0' }), { message: `channel plugin 'probe' needs plugin API ^1.99.0, this hub speaks ${PLUGIN_API_SEMVER}` })
  t.throws(() => defineChannelPlugin({ ...base, apiVersion: 2 as unknown as 1 }), /targets plugin API 2/)
  t.throws(() => defineChannelPlugin({ ...base, name: 'Bad_Name' }), /must match/)
  t.throws(() => defineChannelPlugin({ ...base, capabilities: { ...base.capabilities, maxTextLength: 0 } }), /maxTextLength/)
  t.ok(defineChannelPlugin({ ...base, capabilities: { ...base.capabilities, messageStatus: true } }), 'messageStatus (since 1.4)')
  t.throws(() => defineChannelPlugin({ ...base, capabilities: { ...base.capabilities, messageStatus: 'yes' as unknown as boolean } }), /messageStatus must be a boolean/)
  t.throws(() => defineChannelPlugin({ ...base, capabilities: { attachments: true } as never }), /must declare capabilities/)
})
