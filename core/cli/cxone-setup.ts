import { loadConfigFile } from '../../config/load.js'

/** Exactly what the CXone administrator types into ACD > Digital > Bring Your Own Channel. */
export async function cxoneSetup (path: string): Promise<number> {
  const { config } = loadConfigFile(path)
  const base = (config.server.publicUrl ?? `http://localhost:${config.server.port}`).replace(/\/$/, '')
  const box = `${base}${config.server.basePath}`
  const lines: Array<[string, string]> = [
    ['Integration Box URL', box],
    ['Authorization URL', `${box}/1.0/token`],
    ['Action URL (Add)', `${box}/actions/add`],
    ['Reconnect URL', `${box}/actions/reconnect`],
    ['Remove URL', `${box}/actions/remove`],
    ...config.auth.clients.map((c, i): [string, string] => [config.auth.clients.length > 1 ? `Client ID (#${i + 1})` : 'Client ID', c.clientId]),
    ['Client Secret', config.auth.clients.every(c => c.clientSecret)
      ? 'the auth.clients[].clientSecret of your config (not printed)'
      : 'generated on the hub\'s first start and kept in its store (sandbox mode: the sandbox presents it itself; set auth.clients[].clientSecret to choose one)'],
    ['Use DFO 3.0 Outbound API for replies', 'enabled (the hub also serves the legacy /1.0/posts/{id}/messages reply)']
  ]
  const width = Math.max(...lines.map(([k]) => k.length))
  console.log('Paste into CXone: ACD > Digital > Bring Your Own Channel > Add\n')
  for (const [k, v] of lines) console.log(`${k.padEnd(width)}  ${v}`)
  console.log(`\nChannels this hub serves (cxoneChannelId): ${config.channels.map(c => `${c.cxoneChannelId} (${c.id})`).join(', ') || 'none'}`)
  if (!config.server.publicUrl) console.log('\nNote: server.publicUrl is not set; set it to the HTTPS address CXone reaches the hub at.')
  return 0
}
