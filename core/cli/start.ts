import { startServer } from '../server.js'
import { kHub } from '../symbols.js'

export async function start (configPath: string): Promise<number> {
  const hub = await startServer(configPath)
  const internals = hub.app[kHub]
  const box = hub.url
  const lines = [
    '',
    'byoc-hub is running.',
    ...internals.channels.all().map(c => `  Customer page (${c.name}):  ${box}/channels/${c.id}/`),
    // the login token rides in the URL, as Jupyter's does: one click, and the page keeps it in a cookie
    ...(internals.consoleToken ? [`  Agent console (sandbox):   ${box}/sandbox/console/?token=${encodeURIComponent(internals.consoleToken)}`] : []),
    `  Metrics:                   ${internals.metricsUrl?.() ?? 'disabled'}`,
    `  API docs (OpenAPI):        ${box}/docs`,
    `  Health:                    ${box}/health/ready`,
    ''
  ]
  console.log(lines.join('\n'))
  await new Promise(() => {}) // run until a signal ends the process
  return 0
}
