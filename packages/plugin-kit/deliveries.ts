import type { ContractDriver, ContractEnv, PlatformDelivery } from './types.js'
import { eventually } from './poll.js'

export type DeliveryList = () => readonly PlatformDelivery[]

/** What the platform received for one customer, whether the driver decodes sink requests or observes a push channel. */
export async function deliveriesFor (env: ContractEnv, driver: ContractDriver, customerId: string): Promise<DeliveryList> {
  if (driver.observe) return driver.observe(env, customerId)
  const decode = driver.decode
  if (!decode) throw new Error('the contract driver needs decode() (webhook channels) or observe() (push channels)')
  return () => env.platform.requests
    .filter(r => r.status < 300)
    .flatMap(r => { const d = decode(r); return d === undefined ? [] : Array.isArray(d) ? d : [d as PlatformDelivery] })
    .filter(d => d.customerId === undefined || d.customerId === customerId)
}

export const messages = (list: DeliveryList): Array<Extract<PlatformDelivery, { kind: 'message' }>> =>
  list().filter((d): d is Extract<PlatformDelivery, { kind: 'message' }> => d.kind === 'message')

export async function waitForMessage (list: DeliveryList, text: string, timeoutMs: number): Promise<Extract<PlatformDelivery, { kind: 'message' }>> {
  return eventually(() => messages(list).find(m => m.text.includes(text)), timeoutMs, `agent message "${text.slice(0, 40)}" at the platform`)
}
