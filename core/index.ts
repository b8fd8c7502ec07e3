// The byoc-hub package root: start a hub from code (embedding, plugin contract kits). The CLI is bin/byoc-hub.js.
export { createHub, type CreateHubOptions, type Hub, type StoredMessageView } from './create-hub.js'
export { ConfigInvalidError } from '../config/load.js'
export type { ByocConfig } from '../config/schema.js'
