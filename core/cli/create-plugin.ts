import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { CHANNEL_NAME_PATTERN } from '../plugin-api/define.js'
import { configTs, contractTestTs, indexTs, routesTs, signatureTs, transportTs, translatorsTs, type ScaffoldNames } from './create-plugin-code.js'
import { gitignore, packageJson, readme, taprc, tsconfigBuildJson, tsconfigJson } from './create-plugin-files.js'

const title = (name: string): string => name.split('-').map(w => w[0]!.toUpperCase() + w.slice(1)).join(' ')

/** Every file of a new plugin package, by path. */
export function scaffoldFiles (name: string): Record<string, string> {
  const n: ScaffoldNames = { name, pkg: `byoc-hub-plugin-${name}`, title: title(name) }
  return {
    'package.json': packageJson(n),
    'tsconfig.json': tsconfigJson(),
    'tsconfig.build.json': tsconfigBuildJson(),
    '.taprc': taprc(),
    '.gitignore': gitignore(),
    'README.md': readme(n),
    'index.ts': indexTs(n),
    'config.ts': configTs(),
    'signature.ts': signatureTs(),
    'translators.ts': translatorsTs(),
    'transport.ts': transportTs(),
    'routes.ts': routesTs(),
    'test/contract.test.ts': contractTestTs()
  }
}

/** `byoc-hub create-plugin <name> [dir]`: writes byoc-hub-plugin-<name>/ (or dir), refusing to overwrite anything. */
export async function createPlugin (args: string[], cwd = process.cwd()): Promise<number> {
  const [name, dir] = args
  if (!name || !CHANNEL_NAME_PATTERN.test(name)) {
    console.error(`Usage: byoc-hub create-plugin <name> [dir]\n<name> is the channel name, lower-case words joined by '-' (e.g. acme-chat).`)
    return 1
  }
  const target = resolve(cwd, dir ?? `byoc-hub-plugin-${name}`)
  if (existsSync(target) && readdirSync(target).length > 0) {
    console.error(`${target} exists and is not empty; choose another folder.`)
    return 1
  }
  for (const [path, content] of Object.entries(scaffoldFiles(name))) {
    const file = join(target, path)
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(file, content, { flag: 'wx' })
  }
  console.log(`Created ${target}\n\nNext:\n  cd ${target}\n  npm install\n  npm run build && npm test\n\nThen enable it in byoc-hub.yaml (see README.md).`)
  return 0
}
