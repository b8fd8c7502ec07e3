/** Full paths and methods from Fastify's route tree (printRoutes draws it with box characters). */
export function routesOf (tree: string): Array<{ path: string, methods: string[] }> {
  const out: Array<{ path: string, methods: string[] }> = []
  const stack: string[] = []
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line)
    if (!m) continue
    const depth = m[1]!.length / 4
    stack.length = depth
    const path = (stack[depth - 1] ?? '') + m[2]!
    stack.push(path)
    if (m[3]) out.push({ path, methods: m[3].split(',').map(s => s.trim()) })
  }
  return out
}
