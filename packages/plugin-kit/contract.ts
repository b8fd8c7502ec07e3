import { randomUUID } from 'node:crypto'
import type { ChannelPlugin } from '@byoc-hub/plugin-api'
import { ContractAgent } from './agent.js'
import { startContractHub } from './hub.js'
import { startPlatformSink } from './platform-sink.js'
import { definitionChecks } from './checks-static.js'
import { inboundChecks } from './checks-inbound.js'
import { outboundChecks } from './checks-outbound.js'
import type { ContractSession } from './session.js'
import type { ContractCheck, ContractEnv, ContractOptions, ContractResult } from './types.js'

export interface ChannelContract {
  /** in order: later checks use the conversation the earlier ones opened */
  readonly checks: readonly ContractCheck[]
  /** stops the hub and the platform stand-in, then runs what the driver registered with env.onClose */
  close (): Promise<void>
}

/**
 * What every channel must do, against a real hub (byoc-hub's createHub) and its CXone emulator: definition and config
 * defaults; inbound relayed with a stable idOnExternalPlatform; a platform retry deduplicated; forged signatures
 * refused; errors coded; agent replies delivered (and retried); capabilities honoured or degraded; the agent's close
 * delivered. Each check is a plain async function that throws (node:assert) when the plugin falls short, so any test
 * runner can call them; run them in order, then close().
 */
export async function channelContract (plugin: ChannelPlugin, options: ContractOptions): Promise<ChannelContract> {
  const timeoutMs = options.timeoutMs ?? 15_000
  const cleanups: Array<() => unknown> = []
  const close = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) await fn()
  }
  try {
    const platform = await startPlatformSink()
    cleanups.push(() => platform.close())
    const channelConfig = options.driver.config({ platformUrl: platform.url })
    const hub = await startContractHub(plugin, channelConfig, {
      ...(options.channelId ? { channelId: options.channelId } : {}),
      ...(options.hubConfig ? { hubConfig: options.hubConfig } : {})
    })
    cleanups.push(() => hub.close())
    const env: ContractEnv = {
      hubUrl: hub.url, channelUrl: `${hub.url}/channels/${hub.channelId}`, channelId: hub.channelId, platform,
      onClose: fn => { cleanups.push(fn) }
    }
    const customer = (label: string): Promise<string> => options.driver.resolveCustomer ? options.driver.resolveCustomer(env, label) : Promise.resolve(label)
    const session: ContractSession = {
      hub, env, agent: new ContractAgent(hub, timeoutMs), driver: options.driver, timeoutMs,
      customerId: await customer(`contract-${randomUUID().slice(0, 8)}`),
      customer
    }
    return { checks: [...definitionChecks(plugin, channelConfig), ...inboundChecks(session, options), ...outboundChecks(session, plugin)], close }
  } catch (err) {
    await close()
    throw err
  }
}

/** Runs every check in order and closes; never throws for a failed check, so the caller reports all of them. */
export async function runChannelContract (plugin: ChannelPlugin, options: ContractOptions): Promise<ContractResult[]> {
  const contract = await channelContract(plugin, options)
  const results: ContractResult[] = []
  try {
    for (const check of contract.checks) {
      if (check.skip) { results.push({ name: check.name, status: 'skipped', reason: check.skip }); continue }
      try {
        await check.run()
        results.push({ name: check.name, status: 'passed' })
      } catch (error) {
        results.push({ name: check.name, status: 'failed', error })
      }
    }
  } finally { await contract.close() }
  return results
}
