import { Session } from 'node:inspector/promises'
import { writeFileSync } from 'node:fs'

/** CPU profile of a window of this process's life (a measured phase, not start-up), written as .cpuprofile. */
export class WindowProfiler {
  private session: Session | undefined

  async start (): Promise<void> {
    this.session = new Session()
    this.session.connect()
    await this.session.post('Profiler.enable')
    await this.session.post('Profiler.setSamplingInterval', { interval: 200 })
    await this.session.post('Profiler.start')
  }

  async stop (file: string): Promise<string> {
    const s = this.session
    if (!s) throw new Error('profiler not started')
    const { profile } = await s.post('Profiler.stop')
    s.disconnect()
    this.session = undefined
    writeFileSync(file, JSON.stringify(profile))
    return file
  }
}
