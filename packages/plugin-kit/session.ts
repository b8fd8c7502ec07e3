import { randomUUID } from 'node:crypto'
import type { ContractAgent, SandboxThread } from './agent.js'
import type { ContractHub } from './hub.js'
import type { ContractDriver, ContractEnv, InboundSample } from './types.js'

/** What the checks share: the running hub, the agent, the driver, and the first customer's conversation. */
export interface ContractSession {
  readonly hub: ContractHub
  readonly env: ContractEnv
  readonly agent: ContractAgent
  readonly driver: ContractDriver
  readonly timeoutMs: number
  /** the customer the conversation checks use, and its thread once a message got through */
  readonly customerId: string
  thread?: SandboxThread
  /** the platform's id of another kit customer (see ContractDriver.resolveCustomer) */
  customer (label: string): Promise<string>
}

let counter = 0
/** A fresh customer message; ids unique per run so checks never see each other's traffic. */
export function sample (customerId: string, label: string): InboundSample {
  counter += 1
  const n = `${counter}-${randomUUID().slice(0, 8)}`
  return { customerId, customerName: `Contract ${customerId}`, messageId: `contract-msg-${n}`, text: `${label} ${n}` }
}

export function requireThread (s: ContractSession): SandboxThread {
  if (!s.thread) throw new Error('no conversation: the inbound check failed first')
  return s.thread
}
