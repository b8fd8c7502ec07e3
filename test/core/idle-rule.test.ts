import t from 'tap'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import type { Test } from 'tap'
import { SqliteStore } from '../../core/store/sqlite.js'
import { RedisStore } from '../../core/store/redis.js'
import type { Store, Thread } from '../../core/store/types.js'
import { IdleRule, idleKey, countdownKey, type IdleTimerPayload } from '../../core/conversations/idle-rule.js'
import { PresenceBook } from '../../core/conversations/presence.js'
import { resolveRules } from '../../core/channels/register.js'
import type { ChannelRuntime } from '../../core/channels/runtime.js'
import type { ChannelSignal } from '../../core/plugin-api/types.js'
import { PRESENCE_TTL_MS } from '../../core/plugin-api/types.js'
import { validateConfig } from '../../config/load.js'
import { CLIENT } from '../helper.js'
import { testDir } from '../test-dir.js'

// The rule driven directly, on a real store, with a clock of the test's own: what it does is read off the store's timers.

const TIMEOUT = 4000
const COUNTDOWN = 3000

function channelWith (mode: 'attentive' | 'any-message'): ChannelRuntime {
  const config = validateConfig({ auth: { clients: [CLIENT] }, sandbox: { clientId: CLIENT.clientId }, rules: { idle: { mode, timeout: `${TIMEOUT}ms`, countdown: `${COUNTDOWN}ms` } } })
  return { id: 'wh', tenant: 'default', cxoneChannelId: 'chat_wh', name: 'WH', rules: resolveRules(config.rules, undefined), log: undefined as never, plugin: undefined as never, capabilities: undefined as never }
}

async function rig (t: Test, mode: 'attentive' | 'any-message', store?: Store) {
  const own = store ?? new SqliteStore(join(testDir(t, {}), 'hub.db'))
  if (!store) t.teardown(() => own.close())
  let clock = 1_000_000
  const now = () => clock
  const presence = new PresenceBook(own, now)
  const idle = new IdleRule(own, presence, now)
  const signals: ChannelSignal[] = []
  const lines: string[] = []
  idle.bind({ signal: async (_c, s) => { signals.push(s) }, recordWarning: async (_c, _t, l) => { lines.push(l.text) } })
  const channel = channelWith(mode)
  const { thread } = await own.openThread(channel.id, `cust-${mode}-${Math.random().toString(36).slice(2)}`, `th-${Math.random().toString(36).slice(2)}`, clock)
  const fresh = async (): Promise<Thread> => (await own.getThread(channel.id, thread.threadId))!
  return {
    store: own, idle, presence, channel, thread, signals, lines, fresh,
    advance: (ms: number) => { clock += ms },
    now,
    warningTimer: () => own.getTimer(idleKey(channel.id, thread.threadId)),
    countdownTimer: () => own.getTimer(countdownKey(channel.id, thread.threadId)),
    /** the warning timer fires (as the timer job would): returns whether the countdown started */
    fireWarning: async (): Promise<boolean> => {
      const timer = await own.getTimer(idleKey(channel.id, thread.threadId))
      if (!timer || timer.dueAt > clock) return false
      await own.cancelTimer(timer.key)
      await idle.startCountdown(channel, await fresh(), timer.payload as IdleTimerPayload)
      return (await own.getTimer(countdownKey(channel.id, thread.threadId))) !== undefined
    },
    presenceOf: (state: 'present' | 'away' | 'gone', connectionId = 'tab-1') => presence.report(channel.id, thread.customerId, connectionId, state)
  }
}

t.test('attentive: a customer waiting for an answer, looking on, has no clock however long', async t => {
  const r = await rig(t, 'attentive')
  await r.presenceOf('present')
  await r.idle.customerMessage(r.channel, await r.fresh())
  t.equal(await r.warningTimer(), undefined, 'no idle timer while the customer waits for the agent')
  r.advance(10 * TIMEOUT)
  t.notOk(await r.fireWarning(), 'nothing fires')
  t.same(r.lines, [])
})

t.test('attentive, platform without presence: judged by answers alone', async t => {
  const r = await rig(t, 'attentive')
  await r.idle.customerMessage(r.channel, await r.fresh())
  t.equal(await r.warningTimer(), undefined, 'unknown presence counts as looking on')
  await r.idle.agentMessage(r.channel, await r.fresh())
  const timer = await r.warningTimer()
  t.equal(timer?.dueAt, r.now() + TIMEOUT, 'the agent spoke: the clock runs')
  t.equal((timer?.payload as IdleTimerPayload).owesAnswer, true)
})

t.test('attentive: the agent speaks, the customer does not answer: prompt, countdown, end', async t => {
  const r = await rig(t, 'attentive')
  await r.presenceOf('present')
  await r.idle.customerMessage(r.channel, await r.fresh())
  r.advance(1000)
  await r.idle.agentMessage(r.channel, await r.fresh())
  r.advance(TIMEOUT - 1)
  t.notOk(await r.fireWarning(), 'not early')
  r.advance(1)
  t.ok(await r.fireWarning(), 'the countdown starts at the timeout')
  t.same(r.lines, ['Are you still there?'], 'the prompt is written into the conversation')
  const warning = r.signals.find(s => s.type === 'idle-warning')
  t.equal(warning?.type === 'idle-warning' && warning.endsAt, r.now() + COUNTDOWN)
  const countdown = await r.countdownTimer()
  t.ok(countdown)
  r.advance(COUNTDOWN)
  t.ok(r.idle.shouldEnd(await r.fresh(), countdown!.payload as IdleTimerPayload), 'no answer: the conversation ends')
})

t.test('attentive: customer activity in the countdown withdraws the prompt; typing restarts a clock still owed', async t => {
  const r = await rig(t, 'attentive')
  await r.presenceOf('present')
  await r.idle.agentMessage(r.channel, await r.fresh())
  r.advance(TIMEOUT)
  t.ok(await r.fireWarning())
  const countdown = await r.countdownTimer()
  r.advance(500)
  await r.idle.customerActivity(r.channel, await r.fresh()) // "I'm still here"
  t.ok(r.signals.some(s => s.type === 'idle-cleared'), 'prompt withdrawn')
  t.equal(await r.countdownTimer(), undefined)
  t.notOk(r.idle.shouldEnd(await r.fresh(), countdown!.payload as IdleTimerPayload), 'a countdown job already due would not end it')
  const again = await r.warningTimer()
  t.equal(again?.dueAt, r.now() + TIMEOUT, 'still owes an answer: the clock starts over')
  await r.idle.customerMessage(r.channel, await r.fresh())
  t.equal(await r.warningTimer(), undefined, 'answered, looking on: no clock')
})

t.test('attentive: an agent message in the countdown withdraws the prompt and restarts the clock', async t => {
  const r = await rig(t, 'attentive')
  await r.idle.agentMessage(r.channel, await r.fresh())
  r.advance(TIMEOUT)
  t.ok(await r.fireWarning())
  r.advance(1000)
  await r.idle.agentMessage(r.channel, await r.fresh())
  t.equal(await r.countdownTimer(), undefined)
  t.ok(r.signals.some(s => s.type === 'idle-cleared'))
  t.equal((await r.warningTimer())?.dueAt, r.now() + TIMEOUT)
})

t.test('attentive: away is every connection away; the clock starts then, and coming back stops it', async t => {
  const r = await rig(t, 'attentive')
  await r.presenceOf('present', 'tab-1')
  await r.presenceOf('present', 'tab-2')
  await r.idle.customerMessage(r.channel, await r.fresh())
  await r.presenceOf('gone', 'tab-1')
  t.equal(await r.presence.of(r.channel.id, r.thread.customerId), 'present', 'one tab still shows the chat')
  await r.presenceOf('away', 'tab-2')
  t.equal(await r.presence.of(r.channel.id, r.thread.customerId), 'away')
  await r.idle.customerAway(r.channel, await r.fresh())
  const timer = await r.warningTimer()
  t.equal(timer?.dueAt, r.now() + TIMEOUT, 'the clock runs while they are away')
  r.advance(1000)
  await r.idle.customerAway(r.channel, await r.fresh())
  t.equal((await r.warningTimer())?.dueAt, timer?.dueAt, 'a second away report does not push it back')
  await r.presenceOf('present', 'tab-3') // a reconnect, perhaps on another instance
  await r.idle.customerActivity(r.channel, await r.fresh())
  t.equal(await r.warningTimer(), undefined, 'back, and owing nothing: no clock')
})

t.test('attentive: a message sent while away keeps the clock running', async t => {
  const r = await rig(t, 'attentive')
  await r.presenceOf('away')
  await r.idle.customerMessage(r.channel, await r.fresh())
  t.equal((await r.warningTimer())?.dueAt, r.now() + TIMEOUT)
})

t.test('presence: a present connection that stops reporting (its instance died) counts as away', async t => {
  const r = await rig(t, 'attentive')
  await r.presenceOf('present', 'tab-on-dead-instance')
  t.equal(await r.presence.of(r.channel.id, r.thread.customerId), 'present')
  r.advance(PRESENCE_TTL_MS)
  t.equal(await r.presence.of(r.channel.id, r.thread.customerId), 'away')
  t.equal(await r.presenceOf('present', 'tab-new'), undefined, 'a new connection has no previous state')
  t.equal(await r.presenceOf('present', 'tab-new'), 'present', 'a refresh is not a return')
  t.equal((await r.store.listDocs(`presence:${r.channel.id}:${r.thread.customerId}`)).length, 1, 'the expired connection was pruned')
})

t.test('any-message: the clock runs from the last message of either side, presence or not', async t => {
  const r = await rig(t, 'any-message')
  await r.presenceOf('present')
  await r.idle.customerMessage(r.channel, await r.fresh())
  t.equal((await r.warningTimer())?.dueAt, r.now() + TIMEOUT, 'the customer\'s own message starts it')
  r.advance(2000)
  await r.idle.agentMessage(r.channel, await r.fresh())
  t.equal((await r.warningTimer())?.dueAt, r.now() + TIMEOUT, 'and each message restarts it')
  await r.presenceOf('away')
  await r.idle.customerAway(r.channel, await r.fresh())
  t.equal((await r.warningTimer())?.dueAt, r.now() + TIMEOUT, 'leaving changes nothing')
  r.advance(TIMEOUT)
  t.ok(await r.fireWarning())
})

t.test('the same rule on the shared Redis store: two tabs on two instances decide together', async t => {
  const prefix = `byoc-idle-${Math.random().toString(36).slice(2)}:`
  const a = await RedisStore.connect('redis://127.0.0.1:6379', prefix)
  const b = await RedisStore.connect('redis://127.0.0.1:6379', prefix)
  t.teardown(async () => {
    await a.close(); await b.close()
    const redis = new Redis('redis://127.0.0.1:6379')
    const keys = await redis.keys(`*${prefix}*`)
    if (keys.length) await redis.del(...keys)
    redis.disconnect()
  })
  const r = await rig(t, 'attentive', a)
  const otherInstance = new PresenceBook(b, r.now)
  await r.presenceOf('present', 'tab-on-a')
  await otherInstance.report(r.channel.id, r.thread.customerId, 'tab-on-b', 'present')
  await r.presenceOf('gone', 'tab-on-a')
  t.equal(await r.presence.of(r.channel.id, r.thread.customerId), 'present', 'instance A sees the tab on B')
  await otherInstance.report(r.channel.id, r.thread.customerId, 'tab-on-b', 'gone')
  t.equal(await r.presence.of(r.channel.id, r.thread.customerId), 'away')
})
