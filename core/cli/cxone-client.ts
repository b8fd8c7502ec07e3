import { loadConfigFile } from '../../config/load.js'
import type { ByocConfig } from '../../config/schema.js'
import { buildCxone, type CxoneWiring } from '../cxone/wiring.js'

/**
 * The hub's own way to CXone, for CLI commands, so the CLI reaches CXone exactly as the hub does. In sandbox mode
 * that is the running hub's /sandbox on server.port.
 */
export function cliCxone (configPath: string): CxoneWiring & { config: ByocConfig } {
  const { config } = loadConfigFile(configPath)
  return { ...buildCxone(config, { localUrl: () => `http://127.0.0.1:${config.server.port}` }), config }
}
