import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import { hubError } from '../errors.js'

const digest = (s: string): Buffer => createHash('sha256').update(s).digest()

/**
 * The admin API's check: `Authorization: Bearer <admin.token>`. Both sides are hashed first, so the comparison is
 * constant-time whatever the lengths (timingSafeEqual needs equal lengths, and an early length check would leak it).
 */
export function adminTokenCheck (token: string): (request: FastifyRequest) => Promise<void> {
  const expected = digest(token)
  return async (request) => {
    const header = request.headers.authorization
    const given = typeof header === 'string' && /^bearer /i.test(header) ? header.slice(7).trim() : ''
    if (!timingSafeEqual(digest(given), expected) || given === '') throw hubError('ADMIN_UNAUTHORIZED')
  }
}
