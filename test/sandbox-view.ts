import { http, eventually } from './helper.js'

/** What the emulated CXone holds for a hub thread, read through the sandbox's console API (as an agent sees it). */
export async function sandboxThread (sandboxUrl: string, hubThreadId: string): Promise<{ thread: any, messages: any[] } | undefined> { // intentional any: console JSON
  const list = await http('GET', `${sandboxUrl}/console/api/threads`)
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
