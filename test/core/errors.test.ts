import t from 'tap'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Errors } from '../../core/errors.js'
import { ROOT } from '../helper.js'

t.test('every error code is documented in docs/errors.md, and codes are unique and well formed', async t => {
  const doc = readFileSync(join(ROOT, 'docs/errors.md'), 'utf8')
  const codes = Object.values(Errors).map(e => e.code)
  t.equal(new Set(codes).size, codes.length, 'unique')
  for (const code of codes) {
    t.match(code, /^BYOC_ERR_[A-Z_]+$/)
    t.ok(doc.includes(`\`${code}\``), `${code} documented`)
  }
  for (const code of ['BYOC_ERR_CXONE_THREAD_CLOSED', 'BYOC_ERR_CXONE_REJECTED', 'BYOC_ERR_CXONE_RATE_LIMITED', 'BYOC_ERR_CXONE_TIMEOUT']) {
    t.ok(doc.includes(code), `${code} documented`)
  }
})
