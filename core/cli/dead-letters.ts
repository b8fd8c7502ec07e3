import { loadConfigFile } from '../../config/load.js'
import { openStore } from '../store/index.js'

/** byoc-hub dead-letters list|replay <jobId>|--all: jobs that exhausted their retries, and a way back. */
export async function deadLetters (configPath: string, args: string[], all: boolean): Promise<number> {
  const [sub, id] = args
  const { config } = loadConfigFile(configPath)
  const store = await openStore(config.store)
  try {
    const dead = await store.listJobs({ state: 'dead', limit: 10_000 })
    if (sub === 'list' || sub === undefined) {
      if (dead.length === 0) { console.log('No dead letters.'); return 0 }
      for (const j of dead) console.log(`${j.jobId}\t${j.kind}\t${j.orderKey}\tattempts=${j.attempts}\t${new Date(j.createdAt).toISOString()}\t${j.lastError ?? ''}`)
      return 0
    }
    if (sub === 'replay') {
      const targets = all ? dead.map(j => j.jobId) : id ? [id] : []
      if (targets.length === 0) { console.error('Usage: byoc-hub dead-letters replay <jobId>|--all'); return 1 }
      let n = 0
      for (const jobId of targets) {
        const numeric = typeof jobId === 'string' && /^\d+$/.test(jobId) ? Number(jobId) : jobId
        if (await store.replayJob(numeric)) n++
        else console.error(`job ${jobId} is not a dead letter`)
      }
      console.log(`Replayed ${n} job(s); a running hub delivers them now.`)
      return n === targets.length ? 0 : 1
    }
    console.error('Usage: byoc-hub dead-letters list|replay <jobId>|--all')
    return 1
  } finally {
    await store.close()
  }
}
