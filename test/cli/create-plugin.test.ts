import t from 'tap'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { main } from '../../core/cli/main.js'
import { TEMPLATE_DIR } from '../../core/cli/create-plugin.js'
import { PLUGIN_API_SEMVER } from '../../core/plugin-api/version.js'
import { testDir } from '../test-dir.js'

const ROOT = resolve(import.meta.dirname, '../..')

/** Runs a command with the environment of a developer's shell: none of the parent tap run's variables. */
function run (cmd: string, args: string[], cwd: string): Promise<{ code: number | null, out: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(TAP|_TAP|NODE_OPTIONS$|TS_NODE)/.test(k)))
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => { out += c.toString() })
    child.stderr.on('data', (c: Buffer) => { out += c.toString() })
    child.on('error', reject)
    child.on('close', code => resolve({ code, out }))
  })
}

/**
 * Links the dev dependencies to this checkout's packages (built by pretest) and tools, so the template is checked
 * against the code in this commit without packing. scripts/check-packages.sh does the real thing: the packed
 * tarballs installed into a folder outside the checkout.
 */
function install (dir: string): void {
  const nm = join(dir, 'node_modules')
  mkdirSync(join(nm, '@byoc-hub'), { recursive: true })
  symlinkSync(join(ROOT, 'core/plugin-api'), join(nm, '@byoc-hub/plugin-api'), 'dir')
  symlinkSync(join(ROOT, 'packages/plugin-kit'), join(nm, '@byoc-hub/plugin-kit'), 'dir')
  symlinkSync(ROOT, join(nm, 'byoc-hub'), 'dir')
  for (const pkg of ['@types', 'tap', 'typescript']) symlinkSync(join(ROOT, 'node_modules', pkg), join(nm, pkg), 'dir')
}

const version = (path: string): string => (JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as { version: string }).version

t.test('create-plugin scaffolds a package that builds and passes the contract kit', async t => {
  const base = mkdtempSync(join(tmpdir(), 'byoc-create-plugin-'))
  t.teardown(() => rmSync(base, { recursive: true, force: true }))
  const dir = join(base, 'byoc-hub-plugin-acme-chat')

  t.equal(await main(['create-plugin', 'acme-chat', dir]), 0, 'scaffolded')
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  t.equal(pkg.name, 'byoc-hub-plugin-acme-chat')
  t.same(pkg.peerDependencies, { '@byoc-hub/plugin-api': `^${PLUGIN_API_SEMVER}` }, 'peer: the plugin API this hub speaks')
  t.equal(version('core/plugin-api/package.json'), PLUGIN_API_SEMVER, '@byoc-hub/plugin-api is versioned as the API it carries')
  t.equal(version('packages/plugin-kit/package.json'), version('package.json'), 'the kit is released in lockstep with the hub')
  t.match(pkg.devDependencies, { 'byoc-hub': `^${version('package.json')}`, '@byoc-hub/plugin-kit': `^${version('package.json')}`, '@byoc-hub/plugin-api': `^${PLUGIN_API_SEMVER}` }, 'published names and versions')
  t.notMatch(JSON.stringify(pkg), /file:|link:|workspace:/, 'nothing points into a checkout')
  t.equal(readFileSync(join(dir, 'webhook.ts'), 'utf8'), readFileSync(join(TEMPLATE_DIR, 'webhook.ts'), 'utf8'), 'sources are the template files, copied')
  t.match(readFileSync(join(dir, 'index.ts'), 'utf8'), /webhooks: \[messagesWebhook\(host\.config\)\]/, 'inbound is a webhook of the core pipeline')
  t.notMatch(readFileSync(join(dir, 'index.ts'), 'utf8'), /routes/, 'not a hand-written route')
  t.match(readFileSync(join(dir, 'errors.ts'), 'utf8'), /definePluginErrors\('ACME_CHAT', \{/, 'errors carry the prefix made from the channel name')
  t.match(readFileSync(join(dir, 'README.md'), 'utf8'), /BYOC_ACME_CHAT_ERR_UNKNOWN_EVENT/, 'and the README lists them')
  t.match(readFileSync(join(dir, 'index.ts'), 'utf8'), /name: 'acme-chat'/, 'with the channel name put in')
  t.ok(existsSync(join(dir, '.gitignore')) && existsSync(join(dir, '.taprc')), 'dotfiles restored')
  t.match(readFileSync(join(dir, 'README.md'), 'utf8'), /# byoc-hub-plugin-acme-chat[\s\S]*plugin: byoc-hub-plugin-acme-chat/, 'README template filled in')
  for (const f of ['index.ts', 'config.ts', 'errors.ts', 'translators.ts', 'transport.ts', 'webhook.ts', 'test/contract.test.ts', 'tsconfig.json', 'tsconfig.build.json']) t.ok(existsSync(join(dir, f)), f)

  install(dir)
  const build = await run(process.execPath, [join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], dir)
  t.equal(build.code, 0, `npm run build (tsc) passes\n${build.out}`)
  t.ok(existsSync(join(dir, 'dist/index.js')) && existsSync(join(dir, 'dist/index.d.ts')), 'dist/ has the code and its types')

  const test = await run(process.execPath, [join(dir, 'node_modules/tap/dist/esm/run.mjs'), '-R', 'tap'], dir)
  if (test.code !== 0) t.comment(test.out)
  t.equal(test.code, 0, 'npm test (the contract kit) passes')
  t.match(test.out, /ok \d+ - inbound is relayed to CXone with a stable idOnExternalPlatform/, 'the contract ran')
  t.match(test.out, /ok \d+ - webhook signatures are rejected when wrong/, 'including the signature check')
  t.match(test.out, /ok \d+ - errors are coded/, 'and coded errors')
  t.match(test.out, /ok \d+ - an event type the channel does not know is refused with its own code/, 'and its own test')
  t.match(test.out, /ok \d+ - text over maxTextLength \(2000\) is split/, 'and the declared capabilities')
  t.notMatch(test.out, /not ok/, 'no failed assertion')
})

t.test('create-plugin refuses bad names and non-empty folders', async t => {
  const base = testDir(t, { taken: { 'keep.txt': 'mine' } })
  const errors: string[] = []
  const original = console.error
  console.error = (msg: string) => { errors.push(msg) }
  t.teardown(() => { console.error = original })
  t.equal(await main(['create-plugin', 'Acme_Chat', join(base, 'x')]), 1, 'name must be a channel id')
  t.equal(await main(['create-plugin', 'acme', join(base, 'taken')]), 1, 'never writes into a non-empty folder')
  t.equal(readFileSync(join(base, 'taken/keep.txt'), 'utf8'), 'mine', 'the folder is untouched')
  t.match(errors.join('\n'), /lower-case words[\s\S]*not empty/)
})
