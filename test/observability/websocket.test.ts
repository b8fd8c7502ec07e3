import t from 'tap'
import { eventually } from '../helper.js'
import { identify, WidgetClient } from '../plugins/watering-hole/ws-client.js'
import { parseExposition, scrape, startHubWith, sum } from './support.js'

t.test('WebSocket connections per channel; a socket is not timed as a response', async t => {
  const hub = await startHubWith(t, { metrics: { port: 0 } })
  const read = async () => parseExposition((await scrape(hub.hub.metricsUrl!())).text)
  const me = await identify(hub.url)
  const sockets = [await WidgetClient.open(hub.url), await WidgetClient.open(hub.url)]
  for (const ws of sockets) {
    ws.send({ type: 'hello', token: me.token })
    await ws.next(f => f.type === 'history')
  }
  const open = await eventually(async () => { const e = await read(); return sum(e, 'byoc_websocket_connections', { channel: 'watering-hole' }) === 2 && e }, 10_000, 'two connections')
  t.equal(sum(open, 'byoc_http_request_duration_seconds_count', { route: '/channels/watering-hole/ws' }), 0, 'the upgrade is not a response time')
  await sockets[0]!.close()
  await eventually(async () => sum(await read(), 'byoc_websocket_connections', { channel: 'watering-hole' }) === 1, 10_000, 'one connection left')
  await sockets[1]!.close()
  // let the server side finish closing the session before teardown closes the store under it
  await eventually(async () => sum(await read(), 'byoc_websocket_connections', { channel: 'watering-hole' }) === 0, 10_000, 'no connection left')
})
