// Test processes (.taprc node-arg): every test file's process used to make its own JavaScript of the same core/ sources
// through ts-node (about 3 s of CPU a file, 134 files). These hooks keep each file's output in
// node_modules/.cache/byoc-test-ts, keyed by its path and content, the compiler's version, tsconfig.json and the hooks,
// and hand it back to the next process. Registered after tap's TypeScript plugin, so they answer first; ts-node still
// resolves (`./x.js` to x.ts) and still compiles whatever these hooks pass on.
import { register } from 'node:module'

register('./hooks.mjs', import.meta.url)
