// Standard Webhooks, as the plugin API implements it for every channel; these names are this package's public exports
export {
  webhookSecretKey as secretKey,
  signWebhook as sign,
  verifyWebhookSignature as verifySignature,
  signedWebhookHeaders as signedHeaders
} from '@byoc-hub/plugin-api'
