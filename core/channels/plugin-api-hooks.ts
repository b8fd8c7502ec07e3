/**
 * Module resolve hook (module.register, loader thread) installed by loader.ts when the hub runs from dist/: maps the
 * bare `@byoc-hub/plugin-api` specifiers to the hub's compiled copy. Everything else resolves as usual.
 */
let targets: Record<string, string> = {}

export async function initialize (data: { targets: Record<string, string> }): Promise<void> {
  targets = data.targets
}

type Next = (specifier: string, context: unknown) => Promise<{ url: string }>

export async function resolve (specifier: string, context: unknown, next: Next): Promise<{ url: string, shortCircuit?: boolean }> {
  const target = targets[specifier]
  return target ? { url: target, shortCircuit: true } : next(specifier, context)
}
