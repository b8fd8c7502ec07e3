import t from 'tap'
import genericWebhook from '../../../plugins/generic-webhook/index.js'
import { driver } from './driver.js'
import { contractWithTap } from '../../contract-with-tap.js'

t.test('generic-webhook passes the channel contract', async t => {
  await contractWithTap(t, genericWebhook, { driver })
})
