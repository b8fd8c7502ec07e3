// neostandard: the standard style this code is already written in (no semicolons, a space before function parens),
// as an ESLint flat config with typescript-eslint, the setup fastify and its plugins use.
import neostandard, { resolveIgnoresFromGitignore } from 'neostandard'

export default [
  ...neostandard({
    ts: true,
    ignores: [...resolveIgnoresFromGitignore(), '**/dist/**']
  }),
  {
    rules: {
      // the house packs short properties several to a line in objects that span lines (STYLE.md: dense, ≤ 120 columns)
      '@stylistic/object-property-newline': 'off',
      // `new Promise(r => setTimeout(r, ms))`: a one-letter resolver in one-line waits is the house idiom
      'promise/param-names': 'off',
      // `${VAR}` in plain strings is the config format's own placeholder syntax (config/load.ts), written on purpose
      'no-template-curly-in-string': 'off',
      // `while (!stop)` loops end when a callback or another async task sets the flag, which this rule cannot see
      'no-unmodified-loop-condition': 'off',
      // `void promise` marks a deliberate fire-and-forget; as an expression it still fails
      'no-void': ['error', { allowAsStatement: true }],
      // `let x` assigned once but read earlier in a closure (rigs that point at a cluster built later) cannot be const
      'prefer-const': ['error', { destructuring: 'all', ignoreReadBeforeAssign: true }]
    }
  }
]
