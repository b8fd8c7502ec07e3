/** Credentials shared by the bench's processes (all on loopback, all throwaway). */
export const DFO_KEY = { id: 'bench-key', secret: 'bench-secret' }
/** the bench sandbox's console login token (bearer for its _faults) */
export const CONSOLE_TOKEN = 'bench-console-token-0123456789abcdef'
export const CLIENT = { clientId: 'cxone-bench', clientSecret: 'bench-client-secret-0123456789abcdef' }
export const IDENTITY_SECRET = 'bench-identity-secret-0123456789abcdef'
export const JWT_SECRET = 'bench-jwt-secret-0123456789abcdef-0123456789'
export const WH_CHANNEL = 'chat_watering-hole'
export const RECORDER_CHANNEL = 'chat_recorder'
export const DFO_CHANNELS = [{ id: WH_CHANNEL, name: 'The Watering Hole' }, { id: RECORDER_CHANNEL, name: 'Recorder' }]
