import t from 'tap'
import { eventually, http } from '../helper.js'
import { startFakePlatform } from '../fake-platform.js'
import { redisUrl } from '../store/redis-server.js'
import { CHANNELS, startCluster, type Cluster } from './cluster.js'
import { startCountingSandbox } from './counting-sandbox.js'
import { testDir } from '../test-dir.js'

// long enough for the readiness poll, the liveness check and a late request on a loaded machine to fall inside it
const DRAIN_DELAY_MS = 5000
process.env.BYOC_DRAIN_DELAY_MS = String(DRAIN_DELAY_MS) // inherited by the hub process this file spawns

t.test('SIGTERM: readiness turns false while the listener still answers, then the process exits cleanly', async t => {
  const dir = testDir(t, {})
  const platform = await startFakePlatform(t)
  let cluster: Cluster | undefined
  const sandbox = await startCountingSandbox(t, dir, { channels: CHANNELS, target: () => cluster!.next().url })
  cluster = await startCluster(t, { n: 1, redisUrl: await redisUrl(), sandboxUrl: sandbox.url, deliverUrl: platform.url, dir })
  const [hub] = cluster.hubs
  t.equal((await http('GET', `${hub.url}/health/ready`)).status, 200)

  const exited = new Promise<number | null>(resolve => hub.child.once('exit', code => resolve(code)))
  const termAt = Date.now()
  hub.child.kill('SIGTERM')
  const draining = await eventually(async () => {
    const res = await http('GET', `${hub.url}/health/ready`)
    return res.status === 503 && res.body
  }, 5000, 'readiness false')
  t.equal(draining.checks.draining, 'not ready', 'not ready because it drains')
  t.equal((await http('GET', `${hub.url}/health/live`)).status, 200, 'the listener still answers while the load balancer catches up')
  const accepted = await http('POST', `${hub.url}/channels/recorder/inbound`, { customerId: 'late-gnu', messageId: 'late-gnu-1', text: 'just in time' })
  t.equal(accepted.status, 202, 'requests that still arrive are served')
  t.equal(await exited, 0, 'clean exit')
  t.ok(Date.now() - termAt >= DRAIN_DELAY_MS, 'not before the drain delay')
})
