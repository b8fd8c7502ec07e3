// Writes config/schema.json (for editors: `# yaml-language-server: $schema=./schema.json`) from config/schema.ts.
import { writeFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ByocConfigSchema } from '../dist/config/schema.js'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const out = join(root, 'config', 'schema.json')
writeFileSync(out, JSON.stringify({ $schema: 'http://json-schema.org/draft-07/schema#', ...ByocConfigSchema }, null, 2) + '\n')
console.log(`wrote ${out}`)
