import { ByocConfigSchema, TenantSchema, type ByocConfigInput } from './schema.js'
import { parseDuration } from './duration.js'
import { secretProblems } from './secret-rules.js'
import { DEFAULT_TENANT } from './tenants.js'

type CxoneInput = ByocConfigInput['cxone']
type ClientInput = ByocConfigInput['auth']['clients'][number]
type ChannelInput = ByocConfigInput['channels'][number]

/** A tenant as written, with the JSON-pointer prefix its problems are reported under. */
interface WrittenTenant { id: string, at: string, cxone: CxoneInput | undefined, clients: ClientInput[], channels: ChannelInput[] }

/** The tenants as written (the shape config/tenants.ts reads after load), defensively: the schema may have failed. */
function writtenTenants (c: ByocConfigInput): WrittenTenant[] {
  const own = Array.isArray(c.tenants) ? c.tenants : []
  const clients = Array.isArray(c.auth?.clients) ? c.auth.clients : []
  const channels = Array.isArray(c.channels) ? c.channels : []
  const out: WrittenTenant[] = []
  if (own.length === 0 || clients.length > 0 || channels.length > 0) out.push({ id: DEFAULT_TENANT, at: '', cxone: c.cxone, clients, channels })
  own.forEach((t, i) => {
    if (!t || typeof t !== 'object') return
    out.push({
      id: t.id, at: `/tenants/${i}`, cxone: t.cxone,
      clients: Array.isArray(t.auth?.clients) ? t.auth.clients : [],
      channels: Array.isArray(t.channels) ? t.channels : []
    })
  })
  return out
}

/**
 * What the schema cannot say about tenants (the top-level blocks are the tenant `default`): ids unique, channel and
 * client ids unique across all tenants (/channels/<id> is hub-wide; the token endpoint finds the tenant by client
 * id), a client bound only to its own tenant's channels, at most one tenant played by the in-process emulator, and
 * each tenant's live-mode requirements and secret rules.
 */
export function tenantProblems (c: ByocConfigInput): string[] {
  const out: string[] = []
  const tenants = writtenTenants(c)
  if (!Array.isArray(c.tenants) && Array.isArray(c.auth?.clients) && c.auth.clients.length === 0) {
    out.push('/auth/clients: at least one client is required (or give tenants[], each with its own auth.clients)')
  }
  const tenantIds = new Map<string, string>()
  const channelIds = new Map<string, string>()
  const clientIds = new Map<string, string>()
  for (const t of tenants) {
    if (typeof t.id === 'string') {
      const first = tenantIds.get(t.id)
      if (first !== undefined) out.push(`${t.at || '/'}${t.at ? '/id' : ''}: duplicate tenant id '${t.id}'${t.id === DEFAULT_TENANT ? ' (the top-level cxone, auth.clients and channels are the tenant default)' : ''}`)
      else tenantIds.set(t.id, t.at)
    }
    const own = new Set<string>()
    t.channels.forEach((ch, i) => {
      if (!ch || typeof ch.id !== 'string') return
      const first = channelIds.get(ch.id)
      if (first !== undefined) out.push(`${t.at}/channels/${i}/id: duplicate channel id '${ch.id}'${first !== t.id ? ` (tenant '${first}' has it; channel ids are unique across tenants)` : ''}`)
      channelIds.set(ch.id, t.id)
      own.add(ch.id)
    })
    t.clients.forEach((client, i) => {
      if (!client) return
      if (typeof client.clientId === 'string') {
        const first = clientIds.get(client.clientId)
        if (first !== undefined) out.push(`${t.at}/auth/clients/${i}/clientId: duplicate client id '${client.clientId}' (tenant '${first}' has it; client ids are unique across tenants)`)
        clientIds.set(client.clientId, t.id)
      }
      client.channels?.forEach((id, j) => {
        if (!own.has(id)) out.push(`${t.at}/auth/clients/${i}/channels/${j}: '${id}' is not a configured channel id${channelIds.has(id) ? ` of tenant '${t.id}'` : ''}`)
      })
    })
    out.push(...cxoneProblems(t))
  }
  const sandboxed = tenants.filter(t => (t.cxone?.mode ?? 'sandbox') === 'sandbox')
  if (sandboxed.length > 1) {
    out.push(`/tenants: at most one tenant may use cxone.mode sandbox (the in-process emulator is one CXone tenant); ${sandboxed.map(t => `'${t.id}'`).join(', ')} do. Run the others live against \`byoc-hub sandbox\``)
  }
  const inSandbox = sandboxed[0]
  if (inSandbox && c.sandbox && !inSandbox.clients.some(cl => cl?.clientId === c.sandbox.clientId)) {
    out.push(`/sandbox/clientId: '${c.sandbox.clientId}' is not one of ${inSandbox.at ? `tenant '${inSandbox.id}'s` : ''} auth.clients, so the sandbox could not call the hub`)
  }
  if (tenants.some(t => t.cxone?.mode === 'live')) out.push(...secretProblems(ByocConfigSchema, hubWide(c, tenants), ''))
  return out
}

/** One tenant's CXone block: live mode needs an access key and a way to find CXone; status reads at most once a second. */
function cxoneProblems (t: WrittenTenant): string[] {
  const out: string[] = []
  const x = t.cxone
  if (!x) return out
  const at = `${t.at}/cxone`
  if (x.mode === 'live') {
    for (const key of ['accessKeyId', 'accessKeySecret'] as const) {
      if (!x[key]) out.push(`${at}/${key}: required when cxone.mode is live`)
    }
    // region discovery finds what is not given; without a tenant id both must be given
    if (!x.tenantId && (!x.authUrl || !x.apiBaseUrl)) {
      out.push(`${at}/tenantId: live mode needs cxone.tenantId (region discovery) or both cxone.authUrl and cxone.apiBaseUrl`)
    }
    t.clients.forEach((client, i) => {
      if (client && !client.clientSecret) out.push(`${t.at}/auth/clients/${i}/clientSecret: required when cxone.mode is live (only sandbox mode generates one)`)
    })
    if (t.at) out.push(...secretProblems(TenantSchema, { cxone: x, auth: { clients: t.clients } }, t.at.slice(1).replace('/', '[') + ']'))
  }
  const statusEvery = parseDuration(x.threadStatusInterval)
  if (statusEvery !== undefined && statusEvery < 1000) out.push(`${at}/threadStatusInterval: must be at least 1s`)
  return out
}

/**
 * The secrets a live deployment checks hub-wide: everything but the sandbox block (unused by live tenants, its
 * defaults public by design) and the sandbox tenant's own cxone block and clients; tenants[] are checked one by one.
 */
function hubWide (c: ByocConfigInput, tenants: WrittenTenant[]): Record<string, unknown> {
  const { sandbox: _unused, tenants: _own, ...rest } = c
  const top = tenants.find(t => t.at === '')
  if (top?.cxone?.mode === 'live') return rest
  const { cxone: _sandboxed, ...noCxone } = rest
  return { ...noCxone, auth: { ...c.auth, clients: [] } }
}
