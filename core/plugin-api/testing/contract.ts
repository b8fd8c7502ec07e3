import type { Test } from 'tap'
import { randomUUID } from 'node:crypto'
import type { ChannelPlugin } from '../types.js'
import { ContractAgent } from './agent.js'
import { startContractHub } from './hub.js'
import { startPlatformSink } from './platform-sink.js'
import { checkDefinition } from './checks-static.js'
import { checkInbound } from './checks-inbound.js'
import { checkOutbound } from './checks-outbound.js'
import type { ContractSession } from './session.js'
import type { ContractEnv, ContractOptions } from './types.js'

/**
 * Runs what every channel must do against a real hub and the CXone emulator, as subtests of `t`: definition and
 * config defaults; inbound relayed with a stable idOnExternalPlatform; a platform retry deduplicated; forged
 * signatures refused; errors coded; agent replies delivered (and retried); capabilities honoured or degraded; the
 * agent's close delivered. The driver tells the kit how the platform talks.
 */
export async function runChannelContract (t: Test, plugin: ChannelPlugin, options: ContractOptions): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 15_000
  const platform = await startPlatformSink()
  t.teardown(() => platform.close())
  const channelConfig = options.driver.config({ platformUrl: platform.url })

  await checkDefinition(t, plugin, channelConfig)

  const hub = await startContractHub(t, plugin, channelConfig, {
    ...(options.channelId ? { channelId: options.channelId } : {}),
    ...(options.hubConfig ? { hubConfig: options.hubConfig } : {})
  })
  const env: ContractEnv = { t, hubUrl: hub.url, channelUrl: `${hub.url}/channels/${hub.channelId}`, channelId: hub.channelId, platform }
  const customer = (label: string): Promise<string> => options.driver.resolveCustomer ? options.driver.resolveCustomer(env, label) : Promise.resolve(label)
  const session: ContractSession = {
    hub, env, agent: new ContractAgent(hub, timeoutMs), driver: options.driver, timeoutMs,
    customerId: await customer(`contract-${randomUUID().slice(0, 8)}`),
    customer
  }
  await checkInbound(t, session, options)
  await checkOutbound(t, session, plugin)
}
