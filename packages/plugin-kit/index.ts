// @byoc-hub/plugin-kit: the channel contract as plain async checks, run against a real byoc-hub (a peer dependency).
export { channelContract, runChannelContract, type ChannelContract } from './contract.js'
export { startContractHub, CONTRACT_CLIENT, type ContractHub } from './hub.js'
export { startPlatformSink, type PlatformSink, type SinkRequest } from './platform-sink.js'
export { eventually, jsonRequest, errorCode, CODED_ERROR } from './poll.js'
export type { ContractCheck, ContractDriver, ContractEnv, ContractOptions, ContractResult, HttpAnswer, InboundSample, PlatformDelivery } from './types.js'
