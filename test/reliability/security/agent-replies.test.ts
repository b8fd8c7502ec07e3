import t from 'tap'
import { cxoneToken, eventually, http } from '../../helper.js'
import { startProcessRig } from '../harness/process-rig.js'

const REPLIES = 1000
const IN_FLIGHT = 16

t.test('1,000 agent replies (M3 and M2) from one tenant are all accepted with the default limits', async t => {
  const rig = await startProcessRig(t) // server.rateLimit left at its defaults: that is what is under test
  const first = await rig.send('wildebeest', 'wb-1', 'hello')
  t.equal(first.status, 202)
  const threadId = first.body.messages[0].threadId
  const box = `${rig.hub().url}/integration/box`
  const auth = { authorization: `Bearer ${await cxoneToken({ box })}` }
  const reply = (i: number) => {
    const messageContent = { type: 'TEXT', payload: { text: `reply ${i}` } }
    return i % 2 === 0
      ? http('POST', `${box}/2.0/channel/chat_recorder/outbound`, { thread: { idOnExternalPlatform: threadId }, messageContent }, auth)
      : http('POST', `${box}/1.0/posts/${threadId}/messages`, { messageContent }, auth)
  }
  // as fast as they go: IN_FLIGHT callers, each sending its next reply as soon as the last is answered
  const refused: string[] = []
  let next = 0
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    for (let i = next++; i < REPLIES; i = next++) {
      const res = await reply(i)
      if (res.status !== 200) refused.push(`${i}: ${res.status} ${res.body?.error?.code}`)
    }
  }))
  t.same(refused, [], `none of ${REPLIES} replies refused`)
  await eventually(() => rig.platform.deliveries.length >= REPLIES, 180_000, 'every reply delivered to the platform')
  t.equal(new Set(rig.platform.deliveries.map(d => d.text)).size, REPLIES, 'each reply reached the customer once')
})
