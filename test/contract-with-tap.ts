import type { Test } from 'tap'
import type { ChannelPlugin } from '@byoc-hub/plugin-api'
import { channelContract, type ContractOptions } from '@byoc-hub/plugin-kit'

/** The kit's plain checks as tap subtests, in order, the hub closed when `t` ends (what a plugin's own test does). */
export async function contractWithTap (t: Test, plugin: ChannelPlugin, options: ContractOptions): Promise<void> {
  const contract = await channelContract(plugin, options)
  t.teardown(() => contract.close())
  for (const check of contract.checks) {
    await t.test(check.name, { skip: check.skip ?? false }, async t => { await check.run(); t.pass('holds') })
  }
}
