import t from 'tap'
import { createTokenSource, type TokenSourceOptions } from '../../../core/cxone/token-client.js'
import { DfoError } from '../../../core/cxone/dfo-types.js'
import { startFakeCxone, type FakeCxone } from './fake-cxone.js'

const source = (fake: FakeCxone, extra: Partial<TokenSourceOptions> = {}): ReturnType<typeof createTokenSource> =>
  createTokenSource({
    authUrl: fake.authUrl, accessKeyId: 'key-id', accessKeySecret: 'key-secret-value', clientId: 'app', clientSecret: 'app-secret',
    timeoutMs: 5000, ...extra
  })

async function until (what: string, cond: () => boolean | Promise<boolean>, deadlineMs = 10_000): Promise<void> {
  const end = Date.now() + deadlineMs
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
}

t.test('fetches with the access-key grant and HTTP Basic client credentials, then caches', async t => {
  const fake = await startFakeCxone(t)
  const fetches: string[] = []
  const tokens = source(fake, { onFetch: outcome => fetches.push(outcome) })
  t.equal(tokens.lastObtainedAt, undefined)
  t.equal(await tokens.get(), 'tok-1')
  t.equal(await tokens.get(), 'tok-1')
  t.equal(fake.tokenRequests.length, 1)
  const req = fake.tokenRequests[0]!
  t.same(req.body, { grant_type: 'password', username: 'key-id', password: 'key-secret-value' })
  t.match(req.headers['content-type'], /^application\/x-www-form-urlencoded/)
  t.equal(req.headers.authorization, 'Basic ' + Buffer.from('app:app-secret').toString('base64'))
  t.same(fetches, ['ok'])
  t.type(tokens.lastObtainedAt, 'number')
})

t.test('puts client_id in the form when there is no client secret', async t => {
  const fake = await startFakeCxone(t)
  const tokens = createTokenSource({ authUrl: fake.authUrl, accessKeyId: 'k', accessKeySecret: 's', clientId: 'public-app', timeoutMs: 5000 })
  await tokens.get()
  t.equal(fake.tokenRequests[0]!.headers.authorization, undefined)
  t.match(fake.tokenRequests[0]!.body, { client_id: 'public-app' })
})

t.test('ten concurrent get() calls share one fetch', async t => {
  const fake = await startFakeCxone(t)
  fake.tokenDelayMs = 100
  const tokens = source(fake)
  const got = await Promise.all(Array.from({ length: 10 }, () => tokens.get()))
  t.same(new Set(got), new Set(['tok-1']))
  t.equal(fake.tokenRequests.length, 1)
})

t.test('refreshes before expiry', async t => {
  const fake = await startFakeCxone(t)
  fake.tokenExpiresIn = 4 // skew below is capped at half the lifetime: refresh due after 2 s, expiry at 4 s
  const tokens = source(fake, { refreshSkewMs: 3000 })
  t.equal(await tokens.get(), 'tok-1')
  const first = fake.tokenRequests[0]!.at
  t.equal(await tokens.get(), 'tok-1', 'still fresh')
  await until('second token', async () => (await tokens.get()) === 'tok-2')
  t.equal(fake.tokenRequests.length, 2)
  const second = fake.tokenRequests[1]!.at
  t.ok(second - first >= 1900, `not refreshed too early (${second - first} ms)`)
  t.ok(second - first < 4000, `refreshed before expiry (${second - first} ms)`)
})

t.test('refresh(rejected) fetches only when the cached token is the rejected one', async t => {
  const fake = await startFakeCxone(t)
  const tokens = source(fake)
  t.equal(await tokens.get(), 'tok-1')
  t.equal(await tokens.refresh('some-older-token'), 'tok-1')
  t.equal(fake.tokenRequests.length, 1)
  const again = await Promise.all([tokens.refresh('tok-1'), tokens.refresh('tok-1'), tokens.get()])
  t.same(again, ['tok-2', 'tok-2', 'tok-2'])
  t.equal(fake.tokenRequests.length, 2)
})

t.test('a 401 from the token endpoint is BYOC_ERR_CXONE_UNAUTHORIZED and leaks no secret', async t => {
  const fake = await startFakeCxone(t)
  fake.tokenReplies.push({ status: 401, body: { error: 'invalid_grant', error_description: 'bad password key-secret-value' } })
  const outcomes: string[] = []
  const tokens = source(fake, { onFetch: o => outcomes.push(o) })
  const err = await tokens.get().catch((e: unknown) => e)
  t.ok(err instanceof DfoError)
  t.match(err, { code: 'BYOC_ERR_CXONE_UNAUTHORIZED', details: { status: 401, dfoErrorCode: 'invalid_grant' } })
  t.notMatch(JSON.stringify({ m: (err as Error).message, d: (err as DfoError).details }), /key-secret-value/)
  t.same(outcomes, ['error'])
  t.equal(await tokens.get(), 'tok-1', 'the next get() tries again')
})

t.test('token endpoint 400, 429, 503, 404 and a body without access_token map to stable codes', async t => {
  const fake = await startFakeCxone(t)
  fake.tokenReplies.push(
    { status: 400, body: { error: 'invalid_request' } },
    { status: 429, headers: { 'retry-after': '7' } },
    { status: 503 },
    { status: 404 },
    { status: 200, body: { token_type: 'bearer' } }
  )
  const tokens = source(fake)
  const codes = []
  for (let i = 0; i < 5; i++) codes.push(await tokens.get().then(() => 'ok', (e: DfoError) => [e.code, e.details.retryAfterMs]))
  t.same(codes, [
    ['BYOC_ERR_CXONE_UNAUTHORIZED', undefined],
    ['BYOC_ERR_CXONE_RATE_LIMITED', 7000],
    ['BYOC_ERR_CXONE_UNAVAILABLE', undefined],
    ['BYOC_ERR_CXONE_REJECTED', undefined],
    ['BYOC_ERR_CXONE_UNAVAILABLE', undefined]
  ])
})

t.test('a token endpoint that never answers gives BYOC_ERR_CXONE_TIMEOUT', async t => {
  const fake = await startFakeCxone(t)
  fake.tokenReplies.push({ hang: true })
  const tokens = source(fake, { timeoutMs: 300 })
  await t.rejects(tokens.get(), { code: 'BYOC_ERR_CXONE_TIMEOUT' })
})

t.test('a caller giving up does not cancel the shared fetch for the others', async t => {
  const fake = await startFakeCxone(t)
  fake.tokenDelayMs = 300
  const tokens = source(fake)
  const quitter = tokens.get({ signal: AbortSignal.timeout(50) })
  const patient = tokens.get()
  await t.rejects(quitter, { name: 'TimeoutError' })
  t.equal(await patient, 'tok-1')
  t.equal(fake.tokenRequests.length, 1)
})
