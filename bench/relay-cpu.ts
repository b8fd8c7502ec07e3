import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { startChild, type Child } from './lib/rpc.js'
import { paced } from './lib/load.js'
import { nowMs } from './lib/probes.js'
import { json } from './lib/context.js'
import { DFO_CHANNELS } from './lib/constants.js'
import { drained } from './scenarios/relay.js'

/**
 * `node bench/relay-cpu.ts [--hub=<tree>]... [--rate=400] [--seconds=10] [--rounds=2]`: the hub's CPU time per
 * relayed message (inbound request + its DFO delivery), read from /proc for the hub's process, and send -> DFO
 * arrival p50/p99 at a rate the hub keeps up with. CPU time per message hardly moves when other processes share the
 * box, where throughput and latency do: the figure to compare two builds by on a busy machine (trees in turns).
 */
const { values } = parseArgs({
  options: {
    hub: { type: 'string', multiple: true },
    rate: { type: 'string', default: '400' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    driver: { type: 'string', default: 'sqlite' },
    profile: { type: 'string' }
  }
})
const ROOT = resolve(fileURLToPath(import.meta.url), '../..')
const trees = values.hub?.length ? values.hub : [ROOT]
const rate = Number(values.rate)
const seconds = Number(values.seconds)
const CLK_TCK = 100

/** user + system CPU of a process so far, in ms (/proc/<pid>/stat fields 14 and 15, in clock ticks). */
function cpuMs (pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 1000 / CLK_TCK
}

interface Arrivals { count: number, p50: number, p99: number, max: number, created: number }

const dfo = await startChild('dfo', { channels: DFO_CHANNELS })
const dir = mkdtempSync(join(tmpdir(), 'byoc-relay-cpu-'))
let n = 0
try {
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const root of trees) {
      const hub: Child = await startChild('hub', {
        root, dfoUrl: dfo.url, dir: mkdtempSync(join(dir, 'hub-')), logLevel: 'info', idleTimeout: '2m', countdown: '20s', driver: values.driver
      }, ['--expose-gc'])
      const tag = `${Date.now().toString(36)}-${++n}`
      const make = (run: string) => (i: number) => ({
        method: 'POST' as const, path: '/channels/recorder/inbound', headers: json,
        body: JSON.stringify({ customerId: `c${i % 1000}`, messageId: `${tag}-${run}-${i}`, text: `t=${nowMs()};Is the river safe to drink from today? (${i})` })
      })
      await paced(hub.url, make('warm'), { rate: 500, seconds: 2 })
      await drained(hub)
      await dfo.call('arrivals')
      if (values.profile) await hub.call('profile:start')
      const cpu0 = cpuMs(hub.pid)
      const sent = await paced(hub.url, make('run'), { rate, seconds })
      await drained(hub)
      const cpu = cpuMs(hub.pid) - cpu0
      if (values.profile) await hub.call('profile:stop', `${values.profile}-${n}.cpuprofile`)
      const a = await dfo.call<Arrivals>('arrivals')
      console.log(`${root}: ${a.created} relayed (${sent.failed} failed) at ${rate}/s: hub CPU ${(cpu / a.created).toFixed(3)} ms per message; ` +
        `send -> DFO p50 ${a.p50.toFixed(1)} ms, p99 ${a.p99.toFixed(1)} ms, max ${a.max.toFixed(0)} ms`)
      await hub.stop()
    }
  }
} finally {
  await dfo.stop()
  rmSync(dir, { recursive: true, force: true })
}
