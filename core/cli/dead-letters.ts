import { loadConfigFile } from '../../config/load.js'
import type { ByocConfig } from '../../config/schema.js'
import { openStore } from '../store/index.js'
import { listDeadLetters, replayAllDeadLetters, replayDeadLetter, type DeadLetter, type ReplayOutcome } from '../admin/operations.js'
import { callAdmin, HubUnreachable } from './admin-client.js'

const USAGE = 'Usage: byoc-hub dead-letters list|replay <jobId>|--all'

/** What the command needs, from the running hub's admin API (admin.token set) or from the store directly. */
interface DeadLetterOps {
  list (): Promise<DeadLetter[]>
  replay (jobId: string): Promise<ReplayOutcome>
  replayAll (): Promise<{ replayed: number, skipped: number }>
  close (): Promise<void>
}

async function opsFor (config: ByocConfig): Promise<DeadLetterOps> {
  if (config.admin.token !== undefined) {
    try {
      await callAdmin(config, '/admin/channels') // is a hub answering?
      return {
        list: async () => (await callAdmin<{ deadLetters: DeadLetter[] }>(config, '/admin/dead-letters?limit=10000')).deadLetters,
        replay: async (jobId) => {
          try {
            await callAdmin(config, `/admin/dead-letters/${encodeURIComponent(jobId)}/replay`, {})
            return 'replayed'
          } catch (err) {
            const message = (err as Error).message
            if (message.startsWith('BYOC_ERR_DEAD_LETTER_ERASED')) return 'erased'
            if (message.startsWith('BYOC_ERR_DEAD_LETTER_UNKNOWN')) return 'unknown'
            throw err
          }
        },
        replayAll: () => callAdmin(config, '/admin/dead-letters/replay', {}),
        close: async () => {}
      }
    } catch (err) {
      if (!(err instanceof HubUnreachable)) throw err
      console.error(`${err.message}; working on the store directly`)
    }
  }
  const store = await openStore(config.store)
  return {
    list: () => listDeadLetters(store, 10_000),
    replay: (jobId) => replayDeadLetter(store, jobId),
    replayAll: () => replayAllDeadLetters(store),
    close: () => store.close()
  }
}

/**
 * byoc-hub dead-letters list|replay <jobId>|--all: jobs that exhausted their retries, and a way back. Dead letters
 * an erasure stopped (reason `erased`) hold nothing to deliver and are never replayed.
 */
export async function deadLetters (configPath: string, args: string[], all: boolean): Promise<number> {
  const [sub, id] = args
  const { config } = loadConfigFile(configPath)
  const ops = await opsFor(config)
  try {
    if (sub === 'list' || sub === undefined) {
      const dead = await ops.list()
      if (dead.length === 0) { console.log('No dead letters.'); return 0 }
      for (const j of dead) console.log(`${j.jobId}\t${j.kind}\t${j.orderKey}\tattempts=${j.attempts}\t${new Date(j.createdAt).toISOString()}\t${j.reason}`)
      return 0
    }
    if (sub === 'replay') {
      if (all) {
        const { replayed, skipped } = await ops.replayAll()
        console.log(`Replayed ${replayed} job(s); a running hub delivers them now.${skipped > 0 ? ` ${skipped} erased one(s) left as they are.` : ''}`)
        return 0
      }
      if (!id) { console.error(USAGE); return 1 }
      const outcome = await ops.replay(id)
      if (outcome === 'replayed') { console.log('Replayed 1 job(s); a running hub delivers them now.'); return 0 }
      console.error(outcome === 'erased' ? `job ${id} was stopped by an erasure: nothing to deliver` : `job ${id} is not a dead letter`)
      return 1
    }
    console.error(USAGE)
    return 1
  } catch (err) {
    console.error((err as Error).message)
    return 1
  } finally {
    await ops.close()
  }
}
