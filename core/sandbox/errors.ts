/**
 * Error codes of the sandbox's console and control API ({ error: { code, message } }). DFO routes answer in
 * DFO's own envelope instead (dfo-errors.ts). Listed here until core/errors.ts takes them into its table.
 */
export const SandboxErrors = {
  BAD_REQUEST: { code: 'BYOC_ERR_SANDBOX_BAD_REQUEST', status: 400 },
  NOT_FOUND: { code: 'BYOC_ERR_SANDBOX_NOT_FOUND', status: 404 },
  THREAD_CLOSED: { code: 'BYOC_ERR_SANDBOX_THREAD_CLOSED', status: 409 },
  HUB_FAILED: { code: 'BYOC_ERR_SANDBOX_HUB_FAILED', status: 502 },
  NOT_CONFIGURED: { code: 'BYOC_ERR_SANDBOX_NOT_CONFIGURED', status: 501 },
  CONSOLE_UNAUTHORIZED: { code: 'BYOC_ERR_SANDBOX_CONSOLE_UNAUTHORIZED', status: 401 }
} as const

export class SandboxError extends Error {
  readonly code: string
  readonly statusCode: number
  constructor (kind: keyof typeof SandboxErrors, message: string) {
    super(message)
    this.code = SandboxErrors[kind].code
    this.statusCode = SandboxErrors[kind].status
  }
}
