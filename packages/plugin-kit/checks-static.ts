import assert from 'node:assert/strict'
import { CHANNEL_NAME_PATTERN, PLUGIN_API_SEMVER, PLUGIN_API_VERSION, Value, apiIncompatibility, isChannelPlugin, type ChannelPlugin, type TSchema } from '@byoc-hub/plugin-api'
import type { ContractCheck } from './types.js'

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
export function definitionChecks (plugin: ChannelPlugin, channelConfig: unknown): ContractCheck[] {
  return [{
    name: 'plugin definition',
    async run () {
      assert.ok(isChannelPlugin(plugin), 'made with defineChannelPlugin()')
      assert.match(plugin.name, CHANNEL_NAME_PATTERN, 'name is a kebab-case channel id')
      assert.equal(apiIncompatibility(plugin, PLUGIN_API_VERSION, PLUGIN_API_SEMVER), undefined, `runs on plugin API ${PLUGIN_API_SEMVER}`)
      const c = plugin.capabilities
      assert.ok(['attachments', 'typingIndicators', 'readReceipts'].every(k => typeof (c as unknown as Record<string, unknown>)[k] === 'boolean'), 'boolean capability flags declared')
      assert.ok(Array.isArray(c.richMessages), 'richMessages declared')
      if (c.maxTextLength !== undefined) assert.ok(Number.isInteger(c.maxTextLength) && c.maxTextLength > 0, 'maxTextLength is a positive integer')
    }
  }, {
    name: 'config schema defaults are valid',
    async run () {
      for (const d of defaults(plugin.configSchema, '', [])) {
        assert.ok(Value.Check(d.schema, d.value), `default at ${d.path} (${JSON.stringify(d.value)}) satisfies its own schema`)
      }
      const withDefaults = Value.Default(plugin.configSchema, Value.Convert(plugin.configSchema, structuredClone(channelConfig ?? {})))
      const errors = [...Value.Errors(plugin.configSchema, withDefaults)].map(e => `${e.instancePath || '/'}: ${e.message}`)
      assert.deepEqual(errors, [], 'the contract config, defaults applied, is valid')
      assert.equal((plugin.configSchema as { additionalProperties?: unknown }).additionalProperties, false, 'unknown config keys are refused (typos are errors, not silence)')
    }
  }]
}
