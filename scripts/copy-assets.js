// Copies the hub's browser assets that tsc does not emit (HTML, CSS, images) next to the compiled web code in dist/.
// (Plugins are packages with their own build.)
import { cpSync, existsSync, readdirSync, statSync } from 'node:fs'
import { join, relative, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const ASSET = /\.(html|css|svg|png|jpg|ico|json|woff2?)$/

function walk (dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist') continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (ASSET.test(name) && /[/\\]web[/\\]/.test(path)) cpSync(path, join(root, 'dist', relative(root, path)))
  }
}
for (const top of ['core']) if (existsSync(join(root, top))) walk(join(root, top))
