import { Type, type Static, type StaticDecode } from 'typebox'
import { Duration, OptionalDuration } from './duration.js'

const Secret = (description: string) => Type.String({ minLength: 1, description, 'x-secret': true })
/** A secret another party issues (CXone): never a shipped value in live mode, but its length is not ours to choose. */
const ExternalSecret = (description: string) => Type.String({ minLength: 1, description, 'x-secret': true, 'x-secret-external': true })

const ServerSchema = Type.Object({
  host: Type.String({ default: '0.0.0.0' }),
  port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  publicUrl: Type.Optional(Type.String({ description: 'URL CXone and browsers use to reach the hub; defaults to http://localhost:<port>' })),
  basePath: Type.String({ default: '/integration/box', pattern: '^(/[A-Za-z0-9._~-]+)*$', description: 'prefix of every CXone-facing route (the Integration Box URL path)' }),
  bodyLimit: Type.Integer({ minimum: 1024, default: 1_048_576, description: 'largest request body in bytes' }),
  trustProxy: Type.Union([
    // integer first: a hop count from the environment ("1") must not convert to the boolean true
    Type.Integer({ minimum: 0, description: 'number of proxies in front of the hub (hops of X-Forwarded-For to trust)' }),
    Type.Boolean(),
    Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'addresses or CIDRs of the proxies in front of the hub' })
  ], { default: false, description: 'whose X-Forwarded-For to believe: a hop count or a CIDR list; true is refused (it would trust the client\'s own header)' }),
  shutdownGrace: Duration('10s', 'time to finish in-flight work on SIGTERM'),
  drainDelay: Duration('5s', 'on SIGTERM, how long readiness is false before the listener closes (BYOC_DRAIN_DELAY_MS overrides)'),
  rateLimit: Type.Object({
    // 20,000: CXone sends up to 6,000 replies a minute per tenant, each may come with a typing on and off event
    // (18,000), plus headroom for status updates and recipient checks
    max: Type.Integer({ minimum: 1, default: 20_000, description: 'requests per window per CXone client (per address for anonymous calls)' }),
    window: Duration('1m', 'rate-limit window'),
    authFailures: Type.Integer({ minimum: 1, default: 100, description: 'failed authentications per window per address before every call from it gets 429' })
  }, { additionalProperties: false, default: {} })
}, { additionalProperties: false, default: {} })

const AuthClientSchema = Type.Object({
  clientId: Type.String({ minLength: 1 }),
  clientSecret: Type.Optional(Secret('secret CXone presents to /1.0/token; required in live mode (at least 32 characters, never a shipped example), generated and kept in the store in sandbox mode when omitted')),
  channels: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'channel ids this client may act on (one tenant per client); omit for all' }))
}, { additionalProperties: false })

const SigningKeySchema = Type.Object({
  kid: Type.String({ minLength: 1 }),
  secret: Type.String({ minLength: 32, description: 'HS256 key, at least 32 characters', 'x-secret': true })
}, { additionalProperties: false })

const AuthSchema = Type.Object({
  clients: Type.Array(AuthClientSchema, { default: [], description: 'who may call the hub (CXone) for the tenant `default`; at least one unless tenants[] is given (each tenant has its own auth.clients)' }),
  tokenTtl: Duration('1h', 'lifetime of tokens the hub issues'),
  issuer: Type.String({ default: 'byoc-hub' }),
  audience: Type.String({ default: 'cxone-byoc' }),
  clockTolerance: Duration('5s', 'allowed clock skew when verifying tokens'),
  signingKeys: Type.Optional(Type.Array(SigningKeySchema, { minItems: 1, description: 'first key signs; all verify (rotation). Omit to generate one and keep it in the store.' }))
}, { additionalProperties: false })

const CxoneSchema = Type.Object({
  mode: Type.Union([Type.Literal('sandbox'), Type.Literal('live')], { default: 'sandbox' }),
  tenantId: Type.Optional(Type.String({ minLength: 1, description: 'CXone tenant id: with it, authUrl and apiBaseUrl are discovered (region discovery)' })),
  discoveryUrl: Type.String({ default: 'https://cxone.niceincontact.com', description: 'CXone issuer that answers /.well-known/cxone-configuration and /.well-known/openid-configuration' }),
  authUrl: Type.Optional(Type.String({ description: 'full token URL, e.g. https://cxone.niceincontact.com/auth/token; discovered when omitted' })),
  apiBaseUrl: Type.Optional(Type.String({ description: 'DFO base, e.g. https://api-de-na1.niceincontact.com; /dfo/3.0 is appended; discovered when omitted' })),
  accessKeyId: Type.Optional(Type.String()),
  accessKeySecret: Type.Optional(ExternalSecret('CXone access key secret')),
  clientId: Type.Optional(Type.String()),
  clientSecret: Type.Optional(ExternalSecret('CXone application client secret')),
  channelIntegrationId: Type.Optional(Type.String({ minLength: 1, description: 'the Integration ID CXone gave the BYOC integration; needed to create channels' })),
  attachmentCopyMaxBytes: Type.Integer({ minimum: 0, maximum: 100 * 1024 * 1024, default: 10 * 1024 * 1024, description: 'largest agent attachment the hub keeps a copy of (0: none); larger ones are served from CXone while its link lasts' }),
  timeout: Duration('5s', 'per-call timeout toward CXone'),
  retries: Type.Integer({ minimum: 0, maximum: 20, default: 8, description: 'attempts before a message becomes a dead letter' }),
  retryBase: Duration('250ms', 'first retry delay (doubles, with jitter)'),
  retryMax: Duration('1m', 'longest retry delay'),
  threadStatusInterval: Duration('15s', 'how often the hub reads CXone for conversations an agent ended (at least 1s)'),
  actionReturnHosts: Type.Array(Type.String({ pattern: '^(\\*\\.)?[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*(:\\d{1,5})?$' }), {
    default: [],
    description: 'hosts (host or host:port, *.domain for subdomains) the Add/Reconnect/Remove pages may send the admin back to, besides the configured CXone\'s own'
  })
}, { additionalProperties: false, default: {} })

const SandboxSchema = Type.Object({
  clientId: Type.String({ default: 'sandbox', description: 'the client id the sandbox presents to the hub (must be in auth.clients)' }),
  clientSecret: Type.Optional(Secret('the secret the sandbox presents to the hub; defaults to its auth.clients entry\'s (configured or generated)')),
  accessKeyId: Type.String({ default: 'sandbox-key' }),
  accessKeySecret: Type.Optional(Secret('what the hub presents to the sandbox\'s /auth/token; omit to generate one and keep it in the store')),
  consoleToken: Type.Optional(Secret('login token of the agent console, its API, _faults and one-time-token minting; omit to generate one and keep it in the store')),
  tokenTtl: Duration('1h', 'lifetime of the tokens the emulated CXone issues'),
  brandId: Type.Integer({ default: 1001 }),
  attachmentUrlTtl: Duration('15m', 'how long the emulator\'s signed attachment URLs stay valid (DFO\'s expire too)'),
  faults: Type.Object({
    latency: Duration('0ms', 'added to every DFO call'),
    errorRate: Type.Number({ minimum: 0, maximum: 1, default: 0 }),
    rateLimitRate: Type.Number({ minimum: 0, maximum: 1, default: 0, description: 'share of calls answered 429' }),
    retryAfter: Duration('1s', 'Retry-After sent with injected 429s')
  }, { additionalProperties: false, default: {} })
}, { additionalProperties: false, default: {} })

const StoreSchema = Type.Union([
  Type.Object({
    driver: Type.Literal('sqlite'),
    path: Type.String({ default: './data/byoc-hub.db' })
  }, { additionalProperties: false }),
  Type.Object({
    driver: Type.Literal('redis'),
    // no schema default: a default url would be indistinguishable from one written beside sentinels or cluster
    url: Type.Optional(Type.String({ description: 'one Redis node (default redis://127.0.0.1:6379); leave out with sentinels or cluster' })),
    sentinels: Type.Optional(Type.Array(Type.Object({
      host: Type.String({ minLength: 1 }),
      port: Type.Integer({ minimum: 1, maximum: 65535 })
    }, { additionalProperties: false }), { minItems: 1, description: 'Redis Sentinel: the sentinels to ask for the current primary (needs name)' })),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Redis Sentinel: the primary\'s name in the sentinels\' config (needs sentinels)' })),
    cluster: Type.Optional(Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      description: 'Redis Cluster seed urls (redis://host:port; any few nodes, the rest are discovered)'
    })),
    keyPrefix: Type.String({ default: 'byoc:', description: 'every key starts with {keyPrefix}, a hash tag: one deployment lives in one cluster slot' }),
    ackReplicas: Type.Integer({
      minimum: 0, default: 0,
      description: 'replicas that must confirm (Redis WAIT, 200 ms) every write the hub acks; fewer answers 503 so the sender retries. 0: answer after the primary alone. One node or Sentinel only'
    })
  }, { additionalProperties: false })
], { default: { driver: 'sqlite', path: './data/byoc-hub.db' } })

export const RulesSchema = Type.Object({
  idle: Type.Object({
    enabled: Type.Boolean({ default: true }),
    mode: Type.Union([Type.Literal('attentive'), Type.Literal('any-message')], {
      default: 'attentive',
      description: 'attentive: the clock runs while the customer is away or owes the agent an answer; any-message: from the last message of either side'
    }),
    timeout: Duration('2m', 'idle time before "Are you still there?"'),
    countdown: Duration('20s', 'countdown after the warning before the conversation ends'),
    warningText: Type.Optional(Type.String({ minLength: 1, description: 'the prompt, for every customer whatever their language (default: "Are you still there?" in the customer\'s language, from core/conversations/idle-texts.ts)' })),
    endText: Type.Optional(Type.String({ minLength: 1, description: 'last line when the countdown runs out, for every customer (default: "The chat ended after <countdown> without an answer" in the customer\'s language)' }))
  }, { additionalProperties: false, default: {} }),
  blockAfterAgentClose: Type.Boolean({ default: true, description: 'reject customer messages on a thread the agent closed' })
}, { additionalProperties: false, default: {} })

/** Per-channel overrides: no defaults here, so unset keys fall through to the global `rules`. */
const ChannelRulesSchema = Type.Object({
  idle: Type.Optional(Type.Object({
    enabled: Type.Optional(Type.Boolean()),
    mode: Type.Optional(Type.Union([Type.Literal('attentive'), Type.Literal('any-message')])),
    timeout: OptionalDuration(),
    countdown: OptionalDuration(),
    warningText: Type.Optional(Type.String()),
    endText: Type.Optional(Type.String())
  }, { additionalProperties: false })),
  blockAfterAgentClose: Type.Optional(Type.Boolean())
}, { additionalProperties: false, description: 'overrides of the global rules for this channel' })
export type ChannelRules = StaticDecode<typeof ChannelRulesSchema>

const KEBAB_ID = '^[a-z][a-z0-9]*(-[a-z0-9]+)*$'

const ChannelSchema = Type.Object({
  id: Type.String({ pattern: KEBAB_ID, description: 'URL prefix /channels/<id>, metric label; unique across all tenants' }),
  plugin: Type.String({ minLength: 1, description: 'path (./plugins/watering-hole) or npm package name' }),
  cxoneChannelId: Type.String({ minLength: 1, description: 'the DFO channel id this platform posts into' }),
  name: Type.Optional(Type.String()),
  enabled: Type.Boolean({ default: true }),
  rules: Type.Optional(ChannelRulesSchema),
  config: Type.Unknown({ default: {}, description: 'validated by the plugin\'s own schema' })
}, { additionalProperties: false })

/**
 * One CXone integration (a business unit or brand): its own CXone tenant, the clients CXone calls the hub with and
 * the channels it serves. The top-level cxone, auth.clients and channels are the tenant `default` (config/tenants.ts).
 */
export const TenantSchema = Type.Object({
  id: Type.String({ pattern: KEBAB_ID, description: 'tenant id: metric and log label `tenant`; unique' }),
  name: Type.Optional(Type.String()),
  cxone: CxoneSchema,
  auth: Type.Object({
    clients: Type.Array(AuthClientSchema, { minItems: 1, description: 'who may call the hub for this tenant (client ids unique across all tenants)' })
  }, { additionalProperties: false }),
  channels: Type.Array(ChannelSchema, { default: [], description: 'this tenant\'s channels (channel ids unique across all tenants)' })
}, { additionalProperties: false })

const DeliverySchema = Type.Object({
  lease: Duration('30s', 'how long a worker holds a job; a crashed instance\'s jobs run again after this'),
  concurrency: Type.Integer({ minimum: 1, maximum: 1000, default: 64, description: 'jobs in flight per instance (with CXone answering in 300 ms, 64 allow about 200 messages/s)' }),
  pollInterval: Duration('200ms', 'how often idle workers look for due retries (new work wakes them at once)')
}, { additionalProperties: false, default: {} })

const MetricsSchema = Type.Object({
  enabled: Type.Boolean({ default: true }),
  port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535, description: 'separate port for /metrics; omit to serve on the main port behind bearerToken' })),
  host: Type.String({ default: '127.0.0.1' }),
  bearerToken: Type.Optional(Secret('required for /metrics on the main port')),
  latencyBudget: Duration('500ms', 'response-time budget CXone asks for')
}, { additionalProperties: false, default: {} })

const LogSchema = Type.Object({
  level: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map(l => Type.Literal(l)), { default: 'info' }),
  redactMessageText: Type.Boolean({ default: false })
}, { additionalProperties: false, default: {} })

const PrivacySchema = Type.Object({
  retention: OptionalDuration('how long the hub keeps a conversation after its last activity once it is closed, and delivered jobs, customers no conversation refers to, and idempotency keys (e.g. 30d). Unset: off, the hub keeps them until erased (docs/privacy.md)'),
  retentionInterval: Duration('1h', 'how often the retention job runs (one instance at a time)')
}, { additionalProperties: false, default: {} })

const AdminSchema = Type.Object({
  token: Type.Optional(Secret('bearer token of the admin API (/admin: dead letters, erasure, export, channel status); unset: the admin API is off and the CLI works on the store directly'))
}, { additionalProperties: false, default: {} })

export const ByocConfigSchema = Type.Object({
  server: ServerSchema,
  auth: AuthSchema,
  cxone: CxoneSchema,
  sandbox: SandboxSchema,
  store: StoreSchema,
  rules: RulesSchema,
  channels: Type.Array(ChannelSchema, { default: [] }),
  tenants: Type.Optional(Type.Array(TenantSchema, { minItems: 1, description: 'several CXone integrations on one hub, each with its own cxone, auth.clients and channels; the top-level ones are the tenant `default`' })),
  delivery: DeliverySchema,
  metrics: MetricsSchema,
  log: LogSchema,
  privacy: PrivacySchema,
  admin: AdminSchema
}, { additionalProperties: false, $id: 'https://byoc-hub.dev/schema/config/1.json', title: 'byoc-hub configuration' })

/** The config as written (YAML, or an object given to createHub), defaults applied: durations as '5s' or ms. */
export type ByocConfigInput = Static<typeof ByocConfigSchema>
/**
 * The config the code receives (config/load.ts): the same keys, every default filled, frozen, and every Duration in
 * milliseconds (a number). The keys keep their names rather than gaining an `Ms` suffix: one name per setting, in the
 * YAML, the docs and the code; the type says it is a number, and Duration() says the unit.
 */
export type ByocConfig = StaticDecode<typeof ByocConfigSchema>
export type ChannelConfig = ByocConfig['channels'][number]
export type AuthClientConfig = ByocConfig['auth']['clients'][number]
export type TenantConfig = NonNullable<ByocConfig['tenants']>[number]
