import { join } from 'node:path'
import t from 'tap'
import { startSandbox } from '../../core/sandbox/index.js'
import { SqliteStore } from '../../core/store/sqlite.js'
import { KEY } from './helper.js'
import { TEST_CONSOLE_TOKEN } from '../helper.js'
import { testDir } from '../test-dir.js'

t.test('startSandbox serves the emulator alone at <url> = http://host:port/sandbox', async t => {
  const store = new SqliteStore(join(testDir(t), 'store.db'))
  const sb = await startSandbox({
    store, port: 0, accessKeyId: KEY.id, accessKeySecret: KEY.secret, consoleToken: TEST_CONSOLE_TOKEN, tokenTtlMs: 60_000, brandId: 9,
    hub: { boxUrl: () => 'http://127.0.0.1:9/box', tokenUrl: () => 'http://127.0.0.1:9/box/1.0/token', clientId: 'a', clientSecret: 'b' },
    channels: [{ id: 'c1', name: 'One' }]
  })
  t.teardown(async () => { await sb.close(); await store.close() })
  t.match(sb.url, /^http:\/\/127\.0\.0\.1:\d+\/sandbox$/)

  const tok = await fetch(`${sb.url}/auth/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', username: KEY.id, password: KEY.secret })
  })
  const { access_token: token } = await tok.json() as { access_token: string }
  const channels = await fetch(`${sb.url}/dfo/3.0/channels`, { headers: { authorization: `Bearer ${token}` } })
  t.same((await channels.json() as Array<{ id: string }>).map(c => c.id), ['c1'])

  t.equal((await fetch(`${sb.url}/console/`)).status, 401, 'the console needs its login token')
  const page = await fetch(`${sb.url}/console/?token=${TEST_CONSOLE_TOKEN}`)
  t.equal(page.status, 200)
  const cookie = page.headers.get('set-cookie')!.split(';')[0]!
  t.match(page.headers.get('content-type'), /text\/html/)
  t.match(await page.text(), /role="log"/)
  t.equal((await fetch(`${sb.url}/console/console.css`, { headers: { cookie } })).status, 200, 'the page\'s cookie opens its files')
  const redirect = await fetch(`${sb.url}/console?token=x`, { redirect: 'manual' })
  t.equal(redirect.status, 302)
  t.equal(redirect.headers.get('location'), '/sandbox/console/?token=x', 'the token survives the missing slash')
  t.equal((await fetch(`${sb.url}/console/..%2Fplugin.ts`, { headers: { cookie } })).status, 404, 'only flat, known file names are served')
  t.equal((await fetch(`${sb.url}/console/js/nope.js`, { headers: { cookie } })).status, 404)
})
