// The packed manifest of a workspace package carries no dev link into this checkout. npm packs package.json as it is
// on disk, and a workspace's `"byoc-hub": "file:../.."` dev dependency (what lets the kit build and run against the
// hub in this repository) means nothing outside it. Run from a package folder:
//   "prepack": "… && node ../../scripts/pack-manifest.mjs strip", "postpack": "node ../../scripts/pack-manifest.mjs restore"
// strip keeps the exact file in package.json.packing; restore puts it back. A pack that died in between is
// restored by the next strip, so the tracked file is never left changed for more than one pack.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'

const MANIFEST = 'package.json'
const KEPT = 'package.json.packing'
const LOCAL = /^(file|link|workspace):/

const restore = () => { if (existsSync(KEPT)) renameSync(KEPT, MANIFEST) }

const [command] = process.argv.slice(2)
if (command === 'strip') {
  restore()
  const text = readFileSync(MANIFEST, 'utf8')
  const pkg = JSON.parse(text)
  const dev = Object.fromEntries(Object.entries(pkg.devDependencies ?? {}).filter(([, spec]) => !LOCAL.test(String(spec))))
  if (Object.keys(dev).length > 0) pkg.devDependencies = dev
  else delete pkg.devDependencies
  writeFileSync(KEPT, text)
  writeFileSync(MANIFEST, JSON.stringify(pkg, null, 2) + '\n')
} else if (command === 'restore') {
  restore()
} else {
  console.error('usage: node pack-manifest.mjs strip|restore')
  process.exit(1)
}
