import { parseArgs } from 'node:util'
import { resolveConfigPath } from '../../config/load.js'
import { loadDotEnvBeside } from '../../config/dotenv.js'

const USAGE = `byoc-hub <command> [--config FILE]

Commands:
  init [--live] [--dir DIR] [--force]   write byoc-hub.yaml and a .env of generated secrets (sandbox, or live CXone)
  start                         run the hub (and the CXone sandbox when cxone.mode is sandbox)
  check-config                  validate the config; print it with secrets redacted
  cxone-setup                   print what the CXone administrator pastes into the BYOC integration
  sandbox [--port N] [--tenant <id>]   run the CXone emulator alone (as that tenant's CXone: its channels and clients)
  channels list|create|delete [id] [--tenant <id>]   manage DFO channels with the hub's own CXone credentials
  dead-letters list|replay [jobId|--all]   show or replay messages that exhausted their retries
  customers revoke-tokens <channel> <customer>   log one customer out everywhere (their tokens stop working)
  customers erase <channel> <customerId>          forget a customer: messages, name, identity, copies, jobs (a report says what went)
  customers export <channel> <customerId> [--out FILE]   everything held about a customer, as JSON (docs/privacy.md)
  create-plugin <name> [dir]    scaffold a channel plugin package (byoc-hub-plugin-<name>) that passes the contract kit

With admin.token set, dead-letters and customers erase|export go through the running hub's admin API
($BYOC_HUB_URL, else the hub's own port on this machine); without it they work on the store directly.

The config file is --config FILE, else $BYOC_CONFIG, else config/byoc-hub.yaml. A .env beside it is loaded
first (variables already in the environment win).`

export async function main (argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      config: { type: 'string', short: 'c' }, port: { type: 'string' }, all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      live: { type: 'boolean' }, dir: { type: 'string' }, force: { type: 'boolean' }, out: { type: 'string' }, tenant: { type: 'string' }
    }
  })
  const [command, ...rest] = positionals
  if (values.help || !command) { console.log(USAGE); return command ? 0 : 1 }
  if (command === 'init') return (await import('./init.js')).init({ live: values.live ?? false, dir: values.dir ?? '.', force: values.force ?? false })
  const configPath = resolveConfigPath(values.config)
  if (command !== 'create-plugin') loadDotEnvBeside(configPath)
  switch (command) {
    case 'start': return (await import('./start.js')).start(configPath)
    case 'check-config': return (await import('./check-config.js')).checkConfig(configPath)
    case 'cxone-setup': return (await import('./cxone-setup.js')).cxoneSetup(configPath)
    case 'sandbox': return (await import('./sandbox.js')).sandbox(configPath, values.port, values.tenant)
    case 'channels': return (await import('./channels.js')).channels(configPath, values.tenant !== undefined ? [...rest, '--tenant', values.tenant] : rest)
    case 'create-plugin': return (await import('./create-plugin.js')).createPlugin(rest)
    case 'dead-letters': return (await import('./dead-letters.js')).deadLetters(configPath, rest, values.all ?? false)
    case 'customers': return (await import('./customers.js')).customers(configPath, rest, { out: values.out })
    default:
      console.error(`Unknown command '${command}'.\n\n${USAGE}`)
      return 1
  }
}
