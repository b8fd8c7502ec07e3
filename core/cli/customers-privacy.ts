import { allChannels } from '../../config/tenants.js'
import { writeFileSync } from 'node:fs'
import type { ByocConfig } from '../../config/schema.js'
import { openStore } from '../store/index.js'
import { eraseCustomer, type ErasureReport } from '../privacy/erasure.js'
import { exportCustomer } from '../privacy/export.js'
import type { CustomerExport } from '../privacy/export-schema.js'
import { callAdmin, HubUnreachable } from './admin-client.js'

/**
 * `customers erase|export <channel> <customerId>`: through the running hub's admin API when admin.token is set (the
 * hub's metrics and logs see it), else on the store directly (SQLite allows it while the hub runs; so does Redis).
 * With admin.token set and no hub answering, the store directly too, said on stderr.
 */
async function viaHubOrStore<T> (config: ByocConfig, path: string, body: unknown, direct: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  if (config.admin.token !== undefined) {
    try {
      return await callAdmin<T>(config, path, body)
    } catch (err) {
      if (!(err instanceof HubUnreachable)) throw err
      console.error(`${err.message}; working on the store directly`)
    }
  }
  const store = await openStore(config.store)
  try {
    return await direct(store)
  } finally {
    await store.close()
  }
}

const channelNames = (config: ByocConfig, channelId: string): { id: string, cxoneChannelId?: string } => {
  const c = allChannels(config).find(c => c.id === channelId)
  return c ? { id: c.id, cxoneChannelId: c.cxoneChannelId } : { id: channelId }
}

export async function eraseCommand (config: ByocConfig, channelId: string, customerId: string): Promise<number> {
  const report = await viaHubOrStore<ErasureReport>(config, '/admin/customers/erase', { channelId, customerId },
    store => eraseCustomer(store, channelNames(config, channelId), customerId))
  const r = report.removed
  console.log(`Erased customer ${customerId} of channel ${channelId} at ${report.erasedAt}:`)
  console.log(`  customer record ${r.customer}, conversations ${r.threads}, messages ${r.messages}, attachment copies ${r.attachmentCopies},`)
  console.log(`  idempotency keys ${r.idempotencyKeys}, timers ${r.timers}, delivered jobs ${r.jobs}, sandbox emulator records ${r.emulatorRecords}, other records ${r.documents}`)
  console.log(`  undelivered jobs made dead letters (reason erased): ${report.deadLettered}`)
  console.log(`  widget identity revoked: ${report.identityRevoked ? 'yes' : 'no'}; store ${report.store.driver}${report.store.driver === 'sqlite' ? `, WAL checkpointed and truncated: ${report.store.walCheckpointed ? 'yes' : 'no (a reader held it; run again)'}` : ''}`)
  console.log('What CXone holds (contacts, transcripts) is erased in CXone: see docs/privacy.md.')
  return report.store.walCheckpointed ? 0 : 2
}

export async function exportCommand (config: ByocConfig, channelId: string, customerId: string, out: string | undefined): Promise<number> {
  const doc = await viaHubOrStore<CustomerExport>(config, '/admin/customers/export', { channelId, customerId },
    store => exportCustomer(store, channelId, customerId))
  const json = JSON.stringify(doc, null, 2) + '\n'
  if (out === undefined) process.stdout.write(json)
  else {
    writeFileSync(out, json, { mode: 0o600 }) // personal data: readable by its owner only
    console.error(`Wrote ${doc.threads.length} conversation(s) of ${customerId} to ${out}.`)
  }
  return 0
}
