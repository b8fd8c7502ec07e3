import t from 'tap'
import { runChannelContract } from '@byoc-hub/plugin-api/testing'
import genericWebhook from '../../../plugins/generic-webhook/index.js'
import { driver } from './driver.js'

t.test('generic-webhook passes the channel contract', async t => {
  await runChannelContract(t, genericWebhook, { driver })
})
