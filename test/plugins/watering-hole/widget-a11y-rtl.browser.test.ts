import t from 'tap'
import { auditEveryState } from './a11y.js'

// Issue 18: axe-core in headless Chromium over every state, right to left (Arabic), at desktop and phone size.
t.test('Arabic, right to left: no serious or critical WCAG 2.1 A/AA violation in any state', async t => {
  await auditEveryState(t, 'ar')
})
