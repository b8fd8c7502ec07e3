import t from 'tap'
import { backoffDelay, parseRetryAfter, raceSignal, sleep } from '../../../core/delivery/http-retry.js'
import { readEnvelope } from '../../../core/cxone/dfo-error-parse.js'

t.test('backoff doubles its ceiling per attempt, capped, with full jitter', async t => {
  t.same([1, 2, 3, 4, 10].map(n => backoffDelay(n, 100, 1000, () => 0.999999)), [99, 199, 399, 799, 999])
  t.equal(backoffDelay(5, 100, 1000, () => 0), 0)
})

t.test('Retry-After is read as seconds or an HTTP date', async t => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  t.equal(parseRetryAfter('3', now), 3000)
  t.equal(parseRetryAfter(['1.5'], now), 1500)
  t.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', now), 10_000)
  t.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0, 'a past date means now')
  t.equal(parseRetryAfter('soon', now), undefined)
  t.equal(parseRetryAfter('', now), undefined)
  t.equal(parseRetryAfter(undefined, now), undefined)
})

t.test('sleep and raceSignal give up on abort', async t => {
  await t.rejects(sleep(10_000, AbortSignal.abort(new Error('gone'))), /gone/)
  const ac = new AbortController()
  const pending = sleep(10_000, ac.signal)
  ac.abort(new Error('later'))
  await t.rejects(pending, /later/)
  await sleep(1, new AbortController().signal)
  await t.rejects(raceSignal(new Promise(() => undefined), AbortSignal.abort(new Error('early'))), /early/)
  t.equal(await raceSignal(Promise.resolve(1), new AbortController().signal), 1)
  await t.rejects(raceSignal(Promise.reject(new Error('inner')), new AbortController().signal), /inner/)
})

t.test('raceSignal with a signal already aborted: the work it drops failing later is no unhandled rejection', async t => {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown): void => { unhandled.push(reason) }
  // ahead of tap's own listener, which would fail the test before this one could look
  process.prependListener('unhandledRejection', onUnhandled)
  t.teardown(() => { process.removeListener('unhandledRejection', onUnhandled) })
  let fail!: (err: Error) => void
  const work = new Promise<never>((_resolve, reject) => { fail = reject })
  await t.rejects(raceSignal(work, AbortSignal.abort(new Error('closing'))), /closing/)
  fail(new Error('CXone token request failed: FST_ERR_REOPENED_CLOSE_SERVER'))
  await new Promise(resolve => setTimeout(resolve, 20))
  t.same(unhandled, [], 'the dropped failure is handled')
})

t.test('the DFO error envelope is read defensively', async t => {
  t.same(readEnvelope(undefined), { threadClosed: false })
  t.same(readEnvelope({ errors: [] }), { threadClosed: false })
  t.same(readEnvelope({ errors: ['junk', { message: 'm', errorCode: 'e1' }] }), { dfoErrorCode: 'e1', message: 'm', threadClosed: false })
  t.same(readEnvelope({ errors: [{ message: 'a' }, { parameters: { errorCode: 'cannotAddMoreMessagesToPost' } }] }),
    { dfoErrorCode: 'cannotAddMoreMessagesToPost', message: 'a', threadClosed: true })
})
