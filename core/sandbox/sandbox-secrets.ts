import type { TSchema } from 'typebox'
import type { ByocConfig } from '../../config/schema.js'
import { importChannelPlugin } from '../channels/loader.js'
import type { DocumentsPort } from '../store/types.js'
import { keptSecret } from './kept-secrets.js'
import { mapTenants, sandboxTenant, tenantsOf } from '../../config/tenants.js'

type SchemaProps = { properties?: Record<string, { type?: unknown, 'x-secret'?: boolean }>, required?: string[] }

/** The required top-level secrets (`x-secret: true`) of a plugin's config schema, which the hub may generate. */
function requiredSecretKeys (schema: TSchema): string[] {
  const { properties = {}, required = [] } = schema as SchemaProps
  return required.filter(k => properties[k]?.['x-secret'] === true && properties[k]?.type === 'string')
}

/** The required secrets a channel's config leaves out, which sandbox mode generates (none when disabled). */
export async function missingChannelSecrets (ch: ByocConfig['channels'][number], baseDir: string): Promise<string[]> {
  if (!ch.enabled) return []
  const own = (ch.config ?? {}) as Record<string, unknown>
  return requiredSecretKeys((await importChannelPlugin(ch, baseDir)).configSchema).filter(k => own[k] === undefined)
}

/**
 * Sandbox mode ships no secret anyone could read in this repository: every secret the config leaves out is generated
 * on first start and kept in the store (kept-secrets.ts): the auth.clients secrets the sandbox plays CXone with, the
 * sandbox's access key secret, its console token, and the required secrets of each channel plugin's config (the
 * Watering Hole's identitySecret). Configured values always win. Returns a new config; the given one is unchanged.
 */
export async function withKeptSecrets (config: ByocConfig, store: DocumentsPort, baseDir: string): Promise<ByocConfig> {
  // only the tenant the emulator plays (config/tenants.ts): live tenants' secrets are the operator's to give
  const played = sandboxTenant(config)
  const filled = await Promise.all(tenantsOf(config).map(async t => {
    if (t !== played) return undefined
    return {
      clients: await Promise.all(t.clients.map(async c => c.clientSecret ? c : { ...c, clientSecret: await keptSecret(store, `client:${c.clientId}`) })),
      channels: await Promise.all(t.channels.map(async ch => {
        const missing = await missingChannelSecrets(ch, baseDir)
        if (missing.length === 0) return ch
        const generated = Object.fromEntries(await Promise.all(missing.map(async k => [k, await keptSecret(store, `channel:${ch.id}:${k}`)])))
        return { ...ch, config: { ...(ch.config as Record<string, unknown>), ...generated } }
      }))
    }
  }))
  const sandboxClient = filled.find(f => f !== undefined)?.clients.find(c => c.clientId === config.sandbox.clientId)
  const sandbox = {
    ...config.sandbox,
    ...(sandboxClient?.clientSecret && !config.sandbox.clientSecret ? { clientSecret: sandboxClient.clientSecret } : {}),
    accessKeySecret: config.sandbox.accessKeySecret ?? await keptSecret(store, 'access-key'),
    consoleToken: config.sandbox.consoleToken ?? await keptSecret(store, 'console-token')
  }
  const tenants = tenantsOf(config)
  return { ...mapTenants(config, t => filled[tenants.indexOf(t)] ?? { clients: [...t.clients], channels: [...t.channels] }), sandbox }
}
