import { stringify } from 'yaml'
import { loadConfigFile, ConfigInvalidError } from '../../config/load.js'
import { loadChannelPlugin, ChannelConfigInvalidError } from '../channels/loader.js'
import { redactConfig } from './redact.js'
import { missingChannelSecrets } from '../sandbox/sandbox-secrets.js'
import { channelAt, tenantsOf } from '../../config/tenants.js'

/** Stands in for a secret sandbox mode generates on first start, so the rest of the channel's block is checked. */
const GENERATED_LATER = 'generated-on-first-start-and-kept-in-the-store'

/** Validates the file and every enabled channel's block; prints all problems at once, or the effective config. */
export async function checkConfig (path: string): Promise<number> {
  let loaded
  try {
    loaded = loadConfigFile(path)
  } catch (err) {
    if (err instanceof ConfigInvalidError) { console.error(err.message); return 1 }
    throw err
  }
  const problems: string[] = []
  for (const tenant of tenantsOf(loaded.config)) {
    for (const [i, channel] of tenant.channels.entries()) {
      if (!channel.enabled) continue
      try {
        const generated = tenant.cxone.mode === 'sandbox' ? await missingChannelSecrets(channel, loaded.baseDir) : []
        const own = (channel.config ?? {}) as Record<string, unknown>
        const entry = { ...channel, config: { ...own, ...Object.fromEntries(generated.map(k => [k, GENERATED_LATER])) } }
        await loadChannelPlugin(entry, channelAt(tenant, i), loaded.baseDir, tenant.cxone.mode === 'live')
      } catch (err) {
        if (err instanceof ChannelConfigInvalidError) problems.push(...err.problems)
        else problems.push(`${tenant.index === undefined ? '' : `/tenants/${tenant.index}`}/channels/${i}/plugin: ${(err as Error).message}`)
      }
    }
  }
  if (problems.length > 0) {
    console.error(`Invalid configuration in ${path}:\n${problems.map(p => `  - ${p}`).join('\n')}`)
    return 1
  }
  for (const tenant of tenantsOf(loaded.config)) for (const warning of unboundClientWarnings(tenant.clients)) console.error(`warning: ${tenant.id === 'default' ? '' : `tenant '${tenant.id}': `}${warning}`)
  console.log(`# ${path}: valid. Effective configuration (defaults applied, secrets redacted):`)
  console.log(stringify(redactConfig(loaded.written)))
  return 0
}

/** With several clients in one tenant, one without `channels` may act on every channel of it, the others' included. */
export function unboundClientWarnings (clients: ReadonlyArray<{ clientId: string, channels?: ReadonlyArray<string> }>): string[] {
  if (clients.length < 2) return []
  return clients.flatMap((c, i) => c.channels ? [] : [`auth.clients[${i}] ('${c.clientId}') has no channels, so it may act on every channel, the other clients' too; bind it with channels: [...]`])
}
