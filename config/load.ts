import { readFileSync } from 'node:fs'
import { resolve, dirname } from 'node:path'
import { parse as parseYaml, YAMLParseError } from 'yaml'
import { Value, DecodeUnsafe } from 'typebox/value'
import { Settings } from 'typebox/system'
import type { TSchema } from 'typebox'
import { ByocConfigSchema, type ByocConfig, type ByocConfigInput } from './schema.js'
import { interpolateEnv } from './interpolate.js'
import { tenantProblems } from './tenant-rules.js'
import { normalizeTrustProxy, trustProxyProblems } from './trust-proxy.js'
import { Errors } from '../core/errors.js'

/** A config that fails validation; `problems` lists every error as "/path: message". */
export class ConfigInvalidError extends Error {
  readonly code = Errors.CONFIG_INVALID.code
  constructor (readonly source: string, readonly problems: string[]) {
    super(`Invalid configuration in ${source}:\n${problems.map(p => `  - ${p}`).join('\n')}`)
  }
}

export interface LoadedConfig {
  readonly config: ByocConfig
  /** the same config as the user writes it (durations as '5s'), defaults applied: what check-config prints */
  readonly written: ByocConfigInput
  /** directory of the YAML file: relative plugin and store paths resolve against it */
  readonly baseDir: string
  readonly source: string
}

/** --config FILE, else BYOC_CONFIG, else config/byoc-hub.yaml (relative to the working directory). */
export function resolveConfigPath (cliPath: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(cliPath ?? env.BYOC_CONFIG ?? 'config/byoc-hub.yaml')
}

export function loadConfigFile (path: string, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigInvalidError(path, [`/: cannot read file (${(err as NodeJS.ErrnoException).code ?? String(err)})`])
  }
  let tree: unknown
  try {
    tree = parseYaml(text, { prettyErrors: true }) ?? {}
  } catch (err) {
    const e = err as YAMLParseError
    throw new ConfigInvalidError(path, [`/: YAML syntax error at line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`])
  }
  const written = checkWritten(tree, env, path)
  return { config: normalizeConfig(written), written, baseDir: dirname(path), source: path }
}

/** The whole pipeline after parsing: ${ENV} -> defaults -> conversion -> check -> normalise -> freeze. */
export function validateConfig (tree: unknown, env: NodeJS.ProcessEnv = process.env, source = '<inline>'): ByocConfig {
  return normalizeConfig(checkWritten(tree, env, source))
}

/**
 * Durations become milliseconds (the Duration codec in duration.ts), once, here: the code then reads numbers and
 * never a default of its own. Decode only: the value was checked by checkWritten, so the codecs see valid input.
 */
function normalizeConfig (written: ByocConfigInput): ByocConfig {
  return deepFreeze(DecodeUnsafe({}, ByocConfigSchema, structuredClone(written)) as ByocConfig)
}

/** ${ENV} -> defaults -> conversion -> check, every problem reported at once; the config as written, frozen. */
function checkWritten (tree: unknown, env: NodeJS.ProcessEnv, source: string): ByocConfigInput {
  const missing: string[] = []
  const interpolated = structuredClone(interpolateEnv(tree, env, missing))
  normalizeTrustProxy(interpolated)
  const withDefaults = Value.Default(ByocConfigSchema, Value.Convert(ByocConfigSchema, interpolated))
  const problems = [...missing]
  for (const e of allErrors(withDefaults)) {
    if (e.keyword === 'boolean' && e.message === 'schema is false') continue // repeated by the additionalProperties error
    const extra = e.keyword === 'additionalProperties' ? `: ${(e.params as { additionalProperties: string[] }).additionalProperties.join(', ')}` : ''
    problems.push(`${e.instancePath || '/'}: ${e.message}${extra}`)
  }
  problems.push(...crossFieldProblems(withDefaults as ByocConfigInput))
  if (problems.length > 0) throw new ConfigInvalidError(source, [...new Set(problems)])
  return deepFreeze(withDefaults as ByocConfigInput)
}

/** TypeBox stops at 8 errors by default; a config check must list every problem at once. */
export function allErrors (value: unknown, schema: TSchema = ByocConfigSchema): ReturnType<typeof Value.Errors> {
  const previous = Settings.Get().maxErrors
  Settings.Set({ maxErrors: 1000 })
  try {
    return Value.Errors(schema, value)
  } finally {
    Settings.Set({ maxErrors: previous })
  }
}

function crossFieldProblems (c: ByocConfigInput): string[] {
  const out: string[] = []
  if (!c || typeof c !== 'object' || !Array.isArray(c.channels)) return out
  out.push(...trustProxyProblems(c.server?.trustProxy))
  // channels, clients and CXone blocks are per tenant (the top-level ones are the tenant default)
  out.push(...tenantProblems(c))
  out.push(...storeProblems(c.store))
  return out
}

/** Sentinel needs both keys, one topology at a time, and replica acks need one connection to WAIT on. */
function storeProblems (store: ByocConfigInput['store'] | undefined): string[] {
  if (store?.driver !== 'redis') return []
  const out: string[] = []
  if (store.sentinels !== undefined && store.name === undefined) out.push('/store/name: required with store.sentinels (the primary\'s name in the sentinels\' config)')
  if (store.name !== undefined && store.sentinels === undefined) out.push('/store/sentinels: required with store.name (the sentinels to ask for that primary)')
  if (store.sentinels !== undefined && store.url !== undefined) out.push('/store/url: give either store.url (one node) or store.sentinels, not both')
  if (store.cluster !== undefined && (store.url !== undefined || store.sentinels !== undefined)) out.push('/store/cluster: give one of store.url, store.sentinels or store.cluster')
  if (store.cluster !== undefined && store.ackReplicas > 0) out.push('/store/ackReplicas: not available with store.cluster (WAIT confirms one node\'s replicas; use Sentinel for acked replication)')
  return out
}

function deepFreeze<T> (o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o)
    for (const v of Object.values(o)) deepFreeze(v)
  }
  return o
}
