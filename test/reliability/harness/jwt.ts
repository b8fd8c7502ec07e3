import { createHmac, generateKeyPairSync, sign as rsaSign } from 'node:crypto'
import { tokenGeneration } from '../../../core/auth/token-generation.js'
import { CLIENT } from '../../helper.js'

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')

/** A hand-made JWT: any header (alg none, kid injection, jku), signed HS* with `secret`, RS256 with a fresh key, or not at all. */
export function craftJwt (header: Record<string, unknown>, payload: Record<string, unknown>, key?: { hs?: string, rs?: boolean }): string {
  const input = `${b64(header)}.${b64(payload)}`
  if (key?.hs !== undefined) {
    const alg = ({ HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as Record<string, string>)[String(header.alg)] ?? 'sha256'
    return `${input}.${createHmac(alg, key.hs).update(input).digest('base64url')}`
  }
  if (key?.rs) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    return `${input}.${rsaSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
  }
  return `${input}.`
}

/** Claims the hub accepts (the test client, its current secret generation), `offsetS` seconds around now unless overridden. */
export function claims (over: Record<string, unknown> = {}, now = Math.floor(Date.now() / 1000)): Record<string, unknown> {
  return { sub: CLIENT.clientId, client_id: CLIENT.clientId, gen: tokenGeneration(CLIENT), iss: 'byoc-hub', aud: 'cxone-byoc', iat: now, exp: now + 600, ...over }
}
