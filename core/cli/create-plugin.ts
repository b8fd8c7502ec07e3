import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CHANNEL_NAME_PATTERN } from '../plugin-api/define.js'
import { PLUGIN_API_SEMVER } from '../plugin-api/version.js'

const here = fileURLToPath(import.meta.url)
// the package root: core/cli in a checkout, dist/core/cli when built or installed
const packageRoot = resolve(dirname(here), here.includes(`${sep}dist${sep}`) ? '../../..' : '../..')
export const TEMPLATE_DIR = join(packageRoot, 'templates', 'plugin')

// the template is a real, type-checked plugin named template-channel; these spellings of the name are replaced
const PLACEHOLDER = 'template-channel'
// npm pack drops or renames dotfiles in a package, so the template keeps them without their dot
const RENAMED: Record<string, string> = { gitignore: '.gitignore', taprc: '.taprc' }

const title = (name: string): string => name.split('-').map(w => w[0]!.toUpperCase() + w.slice(1)).join(' ')
const caret = (version: string): string => `^${version}`
const hubVersion = (): string => (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version

/**
 * The scaffold's package.json: the published names at this hub's versions. @byoc-hub/plugin-kit is released in
 * lockstep with byoc-hub (test/cli/create-plugin.test.ts holds them together).
 */
function packageJson (name: string): string {
  const hub = hubVersion()
  return JSON.stringify({
    name: `byoc-hub-plugin-${name}`,
    version: '0.1.0',
    description: `${title(name)} channel for byoc-hub (NICE CXone Bring Your Own Channel)`,
    type: 'module',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    files: ['dist/**/*.js', 'dist/**/*.d.ts', 'README.md'],
    keywords: ['byoc-hub-plugin', 'byoc-hub', 'cxone'],
    scripts: { build: 'tsc -p tsconfig.build.json', pretest: 'npm run build', test: 'tap', prepublishOnly: 'npm test' },
    engines: { node: '>=20.18' },
    peerDependencies: { '@byoc-hub/plugin-api': caret(PLUGIN_API_SEMVER) },
    devDependencies: {
      '@byoc-hub/plugin-api': caret(PLUGIN_API_SEMVER),
      '@byoc-hub/plugin-kit': caret(hub),
      '@types/node': '^20.19.0',
      'byoc-hub': caret(hub),
      tap: '^21.0.0',
      typescript: '^5.9.0'
    }
  }, null, 2) + '\n'
}

function templateFiles (dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name)
    if (name === 'node_modules' || name === 'dist') return []
    return statSync(path).isDirectory() ? templateFiles(path) : [path]
  })
}

/** Every file of a new plugin package, by path: the template with its name replaced, and the package.json. */
export function scaffoldFiles (name: string): Record<string, string> {
  const upper = name.toUpperCase().replace(/-/g, '_')
  const files: Record<string, string> = {}
  for (const file of templateFiles(TEMPLATE_DIR)) {
    const rel = relative(TEMPLATE_DIR, file).split(sep).join('/')
    const target = RENAMED[rel] ?? rel
    files[target] = readFileSync(file, 'utf8')
      .replaceAll(PLACEHOLDER, name)
      .replaceAll('Template Channel', title(name))
      .replaceAll('TEMPLATE_CHANNEL', upper)
  }
  files['package.json'] = packageJson(name)
  return files
}

/** `byoc-hub create-plugin <name> [dir]`: writes byoc-hub-plugin-<name>/ (or dir), refusing to overwrite anything. */
export async function createPlugin (args: string[], cwd = process.cwd()): Promise<number> {
  const [name, dir] = args
  if (!name || !CHANNEL_NAME_PATTERN.test(name)) {
    console.error('Usage: byoc-hub create-plugin <name> [dir]\n<name> is the channel name, lower-case words joined by \'-\' (e.g. acme-chat).')
    return 1
  }
  const target = resolve(cwd, dir ?? `byoc-hub-plugin-${name}`)
  if (existsSync(target) && readdirSync(target).length > 0) {
    console.error(`${target} exists and is not empty; choose another folder.`)
    return 1
  }
  for (const [path, content] of Object.entries(scaffoldFiles(name))) {
    const file = join(target, path)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, content, { flag: 'wx' })
  }
  console.log(`Created ${target}\n\nNext:\n  cd ${target}\n  npm install\n  npm test        # builds, then runs the contract kit against a real hub\n\nThen publish it (npm publish) and enable it by package name in byoc-hub.yaml (see README.md).`)
  return 0
}
