import { http, eventually } from './helper.js'
import { isShed } from './reliability/harness/shed.js'

/** What the emulated CXone holds for a hub thread, read through the sandbox's console API (as an agent sees it). */
export async function sandboxThread (sandboxUrl: string, hubThreadId: string): Promise<{ thread: any, messages: any[] } | undefined> { // intentional any: console JSON
  const list = await http('GET', `${sandboxUrl}/console/api/threads`)
  // the hub's pressure guard (a loaded CI box) asks to come back later: not there yet, for the caller's eventually()
  if (isShed(list.status, list.body)) return undefined
  if (!Array.isArray(list.body)) throw new Error(`the console's thread list answered ${list.status}: ${JSON.stringify(list.body)}`)
  const t = (list.body as any[]).find(x => x.idOnExternalPlatform === hubThreadId)
  if (!t) return undefined
  return (await http('GET', `${sandboxUrl}/console/api/threads/${encodeURIComponent(t.id)}`)).body
}

export async function waitForSandboxMessages (sandboxUrl: string, hubThreadId: string, count: number, timeoutMs = 15_000): Promise<any[]> {
  return eventually(async () => {
    const view = await sandboxThread(sandboxUrl, hubThreadId)
    return view && view.messages.length >= count ? view.messages : undefined
  }, timeoutMs, `${count} message(s) in the sandbox thread`)
}

export const setFaults = (sandboxUrl: string, faults: Record<string, unknown>) => http('PUT', `${sandboxUrl}/_faults`, faults)

/** A DFO bearer token from the sandbox, as the hub gets one with its access key. */
export async function sandboxToken (sandboxUrl: string, key: { accessKeyId: string, accessKeySecret: string }): Promise<string> {
  const res = await http('POST', `${sandboxUrl}/auth/token`, `grant_type=password&username=${encodeURIComponent(key.accessKeyId)}&password=${encodeURIComponent(key.accessKeySecret)}`, { 'content-type': 'application/x-www-form-urlencoded' })
  return res.body.access_token
}

/** The agent's "End conversation" at the sandbox console: CXone closes the case (the thread stays open). */
export async function agentEnds (sandboxUrl: string, hubThreadId: string): Promise<void> {
  // a thread has a case once its first message is created: only then is there a conversation to end
  const view = await eventually(async () => { const v = await sandboxThread(sandboxUrl, hubThreadId); return v?.thread?.contactId ? v : undefined }, 15_000, `sandbox thread ${hubThreadId} with its case`)
  const res = await http('POST', `${sandboxUrl}/console/api/threads/${encodeURIComponent(view.thread.id)}/end`)
  if (res.status !== 204) throw new Error(`End conversation answered ${res.status}`)
}
