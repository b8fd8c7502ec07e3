import type { Test } from 'tap'
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import { CHANNEL_NAME_PATTERN, isChannelPlugin } from '../define.js'
import { PLUGIN_API_VERSION, type ChannelPlugin } from '../types.js'
import { PLUGIN_API_SEMVER, apiIncompatibility } from '../version.js'

/** Every `default` in a schema, with the sub-schema it belongs to and where it sits. */
function defaults (schema: unknown, path: string, out: Array<{ path: string, schema: TSchema, value: unknown }>): typeof out {
  if (!schema || typeof schema !== 'object') return out
  const s = schema as Record<string, unknown>
  if ('default' in s) out.push({ path: path || '/', schema: s as TSchema, value: s.default })
  if (s.properties && typeof s.properties === 'object') {
    for (const [k, v] of Object.entries(s.properties)) defaults(v, `${path}/${k}`, out)
  }
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    if (Array.isArray(s[key])) (s[key] as unknown[]).forEach((v, i) => defaults(v, `${path}(${key}[${i}])`, out))
  }
  if (s.items && typeof s.items === 'object') defaults(s.items, `${path}/*`, out)
  return out
}

/** What can be checked without running anything: the definition and the config schema. */
export async function checkDefinition (t: Test, plugin: ChannelPlugin, channelConfig: unknown): Promise<void> {
  await t.test('plugin definition', async t => {
    t.ok(isChannelPlugin(plugin), 'made with defineChannelPlugin()')
    t.match(plugin.name, CHANNEL_NAME_PATTERN, 'name is a kebab-case channel id')
    t.equal(apiIncompatibility(plugin, PLUGIN_API_VERSION, PLUGIN_API_SEMVER), undefined, `runs on plugin API ${PLUGIN_API_SEMVER}`)
    const c = plugin.capabilities
    t.ok(['attachments', 'typingIndicators', 'readReceipts'].every(k => typeof (c as unknown as Record<string, unknown>)[k] === 'boolean'), 'boolean capability flags declared')
    t.ok(Array.isArray(c.richMessages), 'richMessages declared')
    if (c.maxTextLength !== undefined) t.ok(Number.isInteger(c.maxTextLength) && c.maxTextLength > 0, 'maxTextLength is a positive integer')
  })

  await t.test('config schema defaults are valid', async t => {
    const found = defaults(plugin.configSchema, '', [])
    for (const d of found) {
      t.ok(Value.Check(d.schema, d.value), `default at ${d.path} (${JSON.stringify(d.value)}) satisfies its own schema`)
    }
    const withDefaults = Value.Default(plugin.configSchema, Value.Convert(plugin.configSchema, structuredClone(channelConfig ?? {})))
    const errors = [...Value.Errors(plugin.configSchema, withDefaults)].map(e => `${e.instancePath || '/'}: ${e.message}`)
    t.same(errors, [], 'the contract config, defaults applied, is valid')
    t.equal((plugin.configSchema as { additionalProperties?: unknown }).additionalProperties, false, 'unknown config keys are refused (typos are errors, not silence)')
  })
}
