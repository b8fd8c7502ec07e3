/**
 * Every secret-looking value this repository ships (config defaults, schema defaults, docs and manifest examples,
 * generated templates). They are public, so live mode refuses each of them wherever a secret goes.
 * test/config/shipped-secrets.test.ts scans config/, docs/, deploy/ and the READMEs and fails when an example value
 * is missing here: a new doc example cannot become a usable secret.
 */
export const SHIPPED_SECRETS: ReadonlySet<string> = new Set([
  // config/byoc-hub.yaml (the shipped sandbox config)
  'sandbox-client-secret-change-me',
  'dev-only-identity-secret-change-me-0123456789',
  // config/schema.ts defaults (sandbox.accessKeySecret)
  'sandbox-secret',
  // deploy/kubernetes/secret.example.yaml
  'change-me',
  'change-me-to-a-long-random-secret',
  'change-me-to-at-least-32-random-characters',
  // the contract test `byoc-hub create-plugin` writes into every scaffolded plugin
  'contract-signing-secret-0123456789'
])

export const isShippedSecret = (value: string): boolean => SHIPPED_SECRETS.has(value.trim())
