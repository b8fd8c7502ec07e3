import type { FastifyBaseLogger } from 'fastify'
import type { ChannelCapabilities, ChannelPlugin, ChannelRegistration } from '../plugin-api/types.js'

/** Conversation rules of one channel, resolved to milliseconds. */
export interface ResolvedRules {
  readonly idle: {
    readonly enabled: boolean
    /** attentive: the clock runs while the customer is away or owes an answer; any-message: from the last message */
    readonly mode: 'attentive' | 'any-message'
    readonly timeoutMs: number
    readonly countdownMs: number
    /** the prompt as configured; unset, the catalogue's in the customer's language (idle-texts.ts) */
    readonly warningText?: string
    /** the line that ends the conversation, recorded in CXone before the case is closed; as configured, else the catalogue's */
    readonly endText?: string
  }
  readonly blockAfterAgentClose: boolean
}

/** A loaded, registered channel: what core knows about it at run time. */
export interface ChannelRuntime {
  readonly id: string
  /** the CXone integration the channel belongs to (config/tenants.ts): its CXone, clients, retries and breaker */
  readonly tenant: string
  readonly cxoneChannelId: string
  readonly name: string
  readonly plugin: ChannelPlugin
  readonly capabilities: ChannelCapabilities
  readonly rules: ResolvedRules
  /** bound to { channel, tenant } */
  readonly log: FastifyBaseLogger
  registration?: ChannelRegistration<unknown, unknown>
}

export class ChannelRegistry {
  private readonly byId = new Map<string, ChannelRuntime>()
  private readonly byCxoneId = new Map<string, ChannelRuntime>()

  add (channel: ChannelRuntime): void {
    this.byId.set(channel.id, channel)
    this.byCxoneId.set(cxoneKey(channel.tenant, channel.cxoneChannelId), channel)
  }

  get (id: string): ChannelRuntime | undefined { return this.byId.get(id) }
  /** CXone addresses channels by its own (DFO) channel id, unique only within its tenant (two tenants may share one). */
  getByCxoneId (tenant: string, cxoneChannelId: string): ChannelRuntime | undefined { return this.byCxoneId.get(cxoneKey(tenant, cxoneChannelId)) }
  all (): ChannelRuntime[] { return [...this.byId.values()] }
  /** the tenant's channels only */
  ofTenant (tenant: string): ChannelRuntime[] { return this.all().filter(c => c.tenant === tenant) }
}

const cxoneKey = (tenant: string, cxoneChannelId: string): string => `${tenant}\u0000${cxoneChannelId}`
