import t from 'tap'
import fc from 'fast-check'
import { splitText } from '../../core/conversations/split-text.js'

// An agent message longer than a channel's maxTextLength is sent in parts (core/conversations/job-handlers.ts).

t.test('one part when the channel sets no limit or the text fits', async t => {
  t.same(splitText('hello there', undefined), ['hello there'])
  t.same(splitText('hello there', 0), ['hello there'], '0 means no limit, as an unset maxTextLength')
  t.same(splitText('hello there', 11), ['hello there'], 'exactly the limit still fits')
})

t.test('cuts at the last space within the limit and drops the spaces at the cut', async t => {
  t.same(splitText('the quick brown fox jumps', 10), ['the quick', 'brown fox', 'jumps'])
  t.same(splitText('aaaa   bbbb', 6), ['aaaa', 'bbbb'], 'a run of spaces at the cut is dropped on both sides')
})

t.test('cuts inside a word when the last space would leave a part under half the limit', async t => {
  t.same(splitText('ab cdefghijklmnop', 8), ['ab cdefg', 'hijklmno', 'p'])
  t.same(splitText('x'.repeat(25), 10), ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)], 'no space at all: fixed-size parts')
})

t.test('whitespace as long as the limit makes no empty part', async t => {
  t.same(splitText(' '.repeat(12) + 'hello', 5), ['hello'])
  t.same(splitText('hi' + ' '.repeat(20) + 'there', 5), ['hi', 'there'])
})

t.test('for any words and limit: every part within the limit, no part empty, the words kept in order', async t => {
  const word = fc.stringMatching(/^[a-z]{1,30}$/)
  fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 60 }), (words, max) => {
    const text = words.join(' ')
    const parts = splitText(text, max)
    return parts.every(p => p.length > 0 && p.length <= max) &&
      parts.join('').replaceAll(' ', '') === text.replaceAll(' ', '')
  }), { seed: 16, numRuns: 500 })
  t.pass('held for 500 generated texts')
})
