/** Durable job kinds of the outbox; the names are stored, so never rename one. */
export const Jobs = {
  DFO_CREATE_MESSAGE: 'dfo.createMessage',
  DFO_MESSAGE_STATUS: 'dfo.messageStatus',
  DFO_CLOSE_THREAD: 'dfo.closeThread',
  PLATFORM_DELIVER: 'platform.deliver',
  PLATFORM_SIGNAL: 'platform.signal'
} as const
