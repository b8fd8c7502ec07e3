import { execFileSync } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Tree } from './context.js'

/**
 * The "before" side of `npm run bench -- --before=<ref>`: that ref checked out into a temporary detached git
 * worktree, this checkout's node_modules hard-linked into it (`cp -al`: no download, no write into shared files,
 * since npm is not run there), built with its own `npm run build`. Kept between runs under the commit's name, so a
 * second run skips the build; `--drop-before` removes it at the end.
 */
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8' }).trim()

export function commitOf (root: string): string {
  try { return git(root, 'rev-parse', '--short', 'HEAD') } catch { return '?' }
}

export function prepareBefore (root: string, ref: string, log: (msg: string) => void): Tree & { drop: () => void } {
  const commit = git(root, 'rev-parse', '--short', `${ref}^{commit}`)
  const dir = join(tmpdir(), `byoc-bench-before-${commit}`)
  const ready = join(dir, '.bench-built')
  if (!existsSync(ready)) {
    if (existsSync(dir)) git(root, 'worktree', 'remove', '--force', dir)
    log(`before: checking out ${ref} (${commit}) into ${dir}`)
    git(root, 'worktree', 'add', '--detach', dir, commit)
    execFileSync('cp', ['-al', join(root, 'node_modules'), join(dir, 'node_modules')])
    log('before: building it (npm run build)')
    execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] })
    writeFileSync(ready, `${new Date().toISOString()}\n`)
  } else {
    log(`before: reusing the built tree of ${commit} in ${dir}`)
  }
  return {
    label: 'before',
    root: dir,
    commit,
    drop: () => { git(root, 'worktree', 'remove', '--force', dir) }
  }
}
