import { SANDBOX_TENANT_ID } from './tokens.js'

/** Who the emulated CXone says it is: one brand, one agent (the person at the console). */
export const SANDBOX_AGENT = { id: 4242, firstName: 'Sam', lastName: 'Agent', emailAddress: 'sam.agent@sandbox.invalid' } as const

export const sandboxBrand = (brandId: number) => ({
  id: brandId, friendlyName: 'Sandbox Brand', timezone: 'UTC', brandHash: `sandbox-${brandId}`, tenantId: SANDBOX_TENANT_ID
})
