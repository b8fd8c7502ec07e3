// Module hooks that keep what TypeScript made of each .ts file, so the next test process reuses it (see register.mjs).
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const DIR = process.env.BYOC_TS_CACHE_DIR ?? join(ROOT, 'node_modules', '.cache', 'byoc-test-ts')
const require = createRequire(join(ROOT, 'package.json'))
const TSCONFIG = join(ROOT, 'tsconfig.json')
// anything that changes the output: the compiler's version, the project's options, these hooks
const SALT = createHash('sha256')
  .update(require('typescript/package.json').version)
  .update(readFileSync(TSCONFIG))
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .digest('hex')

let compile
/** The compiler, loaded on the first miss only: a process whose files are all cached never loads it. */
function compiler () {
  if (compile) return compile
  const ts = require('typescript')
  const { config } = ts.readConfigFile(TSCONFIG, ts.sys.readFile)
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, ROOT)
  // what ts-node's transpile-only mode does for an ES module: one file at a time, no types, the map inline
  const compilerOptions = {
    ...options,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: true,
    declaration: false,
    declarationMap: false,
    noEmit: false,
    outDir: undefined,
    rootDir: undefined
  }
  compile = (file, source) => ts.transpileModule(source, { fileName: file, compilerOptions, reportDiagnostics: false }).outputText
  return compile
}

export async function load (url, context, next) {
  // ES module .ts files of this checkout (every package here is "type": "module"); the rest as the chain would
  if (!url.startsWith('file:') || !url.endsWith('.ts') || url.includes('/node_modules/') || context.format === 'commonjs') return next(url, context)
  const file = fileURLToPath(url)
  const source = readFileSync(file, 'utf8')
  const entry = join(DIR, `${createHash('sha256').update(SALT).update(file).update('\0').update(source).digest('hex')}.js`)
  let output
  try {
    output = readFileSync(entry, 'utf8')
  } catch {
    output = compiler()(file, source)
    // two test processes may make the same entry at once: each writes its own file, the rename is atomic
    mkdirSync(DIR, { recursive: true })
    const tmp = `${entry}.${process.pid}.tmp`
    writeFileSync(tmp, output)
    renameSync(tmp, entry)
  }
  return { format: 'module', source: output, shortCircuit: true }
}
