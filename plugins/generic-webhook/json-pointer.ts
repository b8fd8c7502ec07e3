/** RFC 6901 JSON Pointer lookup: '' is the whole document, '/a/0/b' walks objects and arrays; undefined when absent. */
export function getPointer (doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc
  if (!pointer.startsWith('/')) return undefined
  let node: unknown = doc
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(key)) return undefined
      node = node[Number(key)]
    } else if (node !== null && typeof node === 'object' && Object.hasOwn(node, key)) {
      node = (node as Record<string, unknown>)[key]
    } else {
      return undefined
    }
  }
  return node
}

export const JSON_POINTER_PATTERN = '^(/([^~/]|~[01])*)*$'
