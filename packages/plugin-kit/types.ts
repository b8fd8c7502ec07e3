import type { PlatformSink, SinkRequest } from './platform-sink.js'

/** One customer message as the platform would send it; the same sample sent twice is a platform retry. */
export interface InboundSample {
  readonly customerId: string
  readonly customerName: string
  /** the platform's own id of the message */
  readonly messageId: string
  readonly text: string
}

/** Something the platform received from the hub, normalised by the driver. */
export type PlatformDelivery =
  | { readonly kind: 'message', readonly customerId?: string, readonly text: string, readonly attachmentUrls?: readonly string[] }
  | { readonly kind: 'typing', readonly customerId?: string, readonly on: boolean }
  | { readonly kind: 'closed', readonly customerId?: string }
  | { readonly kind: 'other', readonly customerId?: string }

export interface HttpAnswer { readonly status: number, readonly body: unknown }

/** What the driver gets to reach the running hub and the recording platform server. */
export interface ContractEnv {
  /** http://127.0.0.1:<port> of the hub */
  readonly hubUrl: string
  /** hubUrl + /channels/<id>: where the plugin's routes are mounted */
  readonly channelUrl: string
  readonly channelId: string
  /** a recording HTTP server standing in for the platform (answers 200 unless told to fail) */
  readonly platform: PlatformSink
  /** registers cleanup (sockets the driver opened…) to run when the contract closes */
  onClose (fn: () => unknown): void
}

/**
 * The small piece of knowledge only the plugin's author has: how its platform talks. Webhook-style channels give
 * `decode` (what a request to the platform sink means); push channels (sockets) give `observe` instead.
 */
export interface ContractDriver {
  /** The channel config to run with; `platformUrl` is the recording server's base URL. */
  config (env: { readonly platformUrl: string }): unknown
  /** Sends one customer message exactly as the platform would. With `forge`, the same request with a wrong signature. */
  sendInbound (env: ContractEnv, sample: InboundSample, opts: { readonly forge: boolean }): Promise<HttpAnswer>
  /** Sends a well-signed request the plugin must refuse (a body it cannot use): expected 4xx with a BYOC_ERR_ code. */
  sendMalformed (env: ContractEnv): Promise<HttpAnswer>
  /**
   * For platforms that mint their own customer ids (a widget's identity endpoint): returns the id the hub will see for
   * the kit's customer `label`. Called once per customer, before its first message. Default: the label itself.
   */
  resolveCustomer? (env: ContractEnv, label: string): Promise<string>
  decode? (req: SinkRequest): PlatformDelivery | readonly PlatformDelivery[] | undefined
  /** Starts receiving as the customer (e.g. opens its socket); the returned function lists what arrived so far. */
  observe? (env: ContractEnv, customerId: string): Promise<() => readonly PlatformDelivery[]>
}

export interface ContractOptions {
  readonly driver: ContractDriver
  /** channel id in the hub (default: the plugin's name) */
  readonly channelId?: string
  /** A plugin whose platform cannot sign requests says why here; the signature check is then reported as skipped. */
  readonly unsignedBecause?: string
  /** how long to wait for any one delivery (default 15s; CI boxes are slow) */
  readonly timeoutMs?: number
  /** extra hub config merged over the kit's defaults (e.g. rules) */
  readonly hubConfig?: Record<string, unknown>
}

/** One check of the contract: a plain async function that throws an AssertionError when the plugin falls short. */
export interface ContractCheck {
  /** what the plugin must do, e.g. "a platform retry is deduplicated" */
  readonly name: string
  /** set when the check does not apply to this plugin, with the reason */
  readonly skip?: string
  run (): Promise<void>
}

export type ContractResult =
  | { readonly name: string, readonly status: 'passed' }
  | { readonly name: string, readonly status: 'skipped', readonly reason: string }
  | { readonly name: string, readonly status: 'failed', readonly error: unknown }
