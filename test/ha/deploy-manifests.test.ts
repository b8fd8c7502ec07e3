import t from 'tap'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse, parseAllDocuments } from 'yaml'
import { loadConfigFile, validateConfig } from '../../config/load.js'
import { ROOT } from '../helper.js'

/*
 * The Kubernetes manifests and the Dockerfile cannot be applied or built here (no cluster, no Docker daemon), so
 * this checks what ties them together: the embedded config is valid with exactly the Secret's keys, and every
 * port, probe, selector and timing refers to something that exists.
 */
const DIR = join(ROOT, 'deploy/kubernetes')
const load = (file: string): any => parse(readFileSync(join(DIR, file), 'utf8')) // intentional any: manifest JSON
/** The example Secret as an operator fills it in: its example secrets are public, so live mode refuses them. */
const filledSecret = (): Record<string, string> => Object.fromEntries(Object.entries(load('secret.example.yaml').stringData as Record<string, string>)
  .map(([k, v]) => [k, k.endsWith('_SECRET') ? randomBytes(32).toString('base64url') : v]))
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v)

t.test('kustomization lists existing files, and never the example Secret', async t => {
  const k = load('kustomization.yaml')
  for (const file of k.resources) t.ok(existsSync(join(DIR, file)), file)
  t.notOk(k.resources.includes('secret.example.yaml'))
  t.equal(parseAllDocuments(readFileSync(join(DIR, 'deployment.yaml'), 'utf8')).length, 1)
})

t.test('the ConfigMap holds a valid config, complete with the Secret\'s keys and nothing else', async t => {
  const secret = load('secret.example.yaml')
  t.throws(() => validateConfig(parse(load('configmap.yaml').data['byoc-hub.yaml']), secret.stringData), /auth\.clients\[0\]\.clientSecret: is a value shipped/, 'the example values themselves are refused')
  const config = validateConfig(parse(load('configmap.yaml').data['byoc-hub.yaml']), filledSecret())
  t.equal(config.store.driver, 'redis')
  t.equal(config.cxone.mode, 'live')
  t.equal(config.metrics.host, '0.0.0.0', 'metrics reachable by Prometheus from other pods')
  const text = load('configmap.yaml').data['byoc-hub.yaml'] as string
  const used = new Set([...text.matchAll(/\$\{([A-Z0-9_]+)/g)].map(m => m[1]))
  t.same([...used].sort(), Object.keys(secret.stringData).sort(), 'every variable comes from the Secret, every Secret key is used')
  for (const ch of config.channels) {
    t.match(ch.plugin, /^\/app\//, 'plugin paths absolute inside the image')
    t.ok(existsSync(join(ROOT, ch.plugin.slice('/app/'.length))), `${ch.plugin} exists in the build`)
  }
})

t.test('Deployment, Service, probes, HPA, PDB and ServiceMonitor agree with each other and with the config', async t => {
  const config = validateConfig(parse(load('configmap.yaml').data['byoc-hub.yaml']), filledSecret())
  const dep = load('deployment.yaml')
  const pod = dep.spec.template
  const labels = pod.metadata.labels
  const [hub] = pod.spec.containers
  const port = (name: string): number => hub.ports.find((p: any) => p.name === name)?.containerPort
  t.equal(port('http'), config.server.port)
  t.equal(port('metrics'), config.metrics.port)
  t.same([hub.readinessProbe.httpGet.path, hub.readinessProbe.httpGet.port], ['/health/ready', 'http'])
  t.same([hub.livenessProbe.httpGet.path, hub.livenessProbe.httpGet.port], ['/health/live', 'http'])
  t.equal(hub.envFrom[0].secretRef.name, load('secret.example.yaml').metadata.name)
  t.equal(pod.spec.securityContext.runAsNonRoot, true)
  t.ok(matches(dep.spec.selector.matchLabels, labels), 'Deployment selects its pods')

  const preStop = Number(hub.lifecycle.preStop.exec.command[1])
  const drain = Number(hub.env.find((e: any) => e.name === 'BYOC_DRAIN_DELAY_MS').value) / 1000
  const grace = config.server.shutdownGrace / 1000
  t.ok(pod.spec.terminationGracePeriodSeconds >= preStop + drain + grace + 5, 'SIGKILL only after preStop, drain delay and shutdownGrace')
  t.ok(hub.readinessProbe.periodSeconds * hub.readinessProbe.failureThreshold <= drain + preStop, 'not-ready is noticed within the drain')

  const svc = load('service.yaml')
  t.ok(matches(svc.spec.selector, labels), 'Service selects the pods')
  for (const p of svc.spec.ports) t.ok(port(p.targetPort), `Service port ${p.name} targets a container port`)
  const kustomLabels = load('kustomization.yaml').labels[0].pairs
  const sm = load('servicemonitor.yaml')
  t.ok(matches(sm.spec.selector.matchLabels, { ...svc.metadata.labels, ...kustomLabels }), 'ServiceMonitor selects the Service')
  t.ok(svc.spec.ports.some((p: any) => p.name === sm.spec.endpoints[0].port), 'and scrapes a port it has')
  t.equal(sm.spec.endpoints[0].path, '/metrics')

  const hpa = load('hpa.yaml')
  t.same([hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name], ['Deployment', dep.metadata.name])
  t.ok(hpa.spec.minReplicas >= 2, 'never a single instance')
  const pdb = load('pdb.yaml')
  t.ok(matches(pdb.spec.selector.matchLabels, labels), 'PDB covers the pods')
  t.ok(pdb.spec.maxUnavailable < hpa.spec.minReplicas)
})

t.test('Dockerfile: multi-stage, non-root, health-checked, exposing the configured ports', async t => {
  const docker = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
  const stages = [...docker.matchAll(/^FROM .* AS (\w+)$/gm)].map(m => m[1])
  t.same(stages, ['build', 'runtime'])
  const runtime = docker.slice(docker.indexOf('AS runtime'))
  t.match(runtime, /^USER node$/m)
  t.match(runtime, /^HEALTHCHECK .*\n.*\/health\/live/m)
  const config = validateConfig(parse(load('configmap.yaml').data['byoc-hub.yaml']), filledSecret())
  t.match(runtime, new RegExp(`^EXPOSE ${config.server.port} ${config.metrics.port}$`, 'm'))
  t.notMatch(runtime, /COPY (?!--from=build)(?!bin )/, 'the runtime stage takes only build output (and bin/)')
})

t.test('pods carry no Kubernetes API token, and a NetworkPolicy fences them', async t => {
  const dep = load('deployment.yaml')
  const pod = dep.spec.template
  t.equal(pod.spec.automountServiceAccountToken, false, 'automountServiceAccountToken: false')
  t.ok(load('kustomization.yaml').resources.includes('networkpolicy.yaml'), 'the policy is applied')
  const np = load('networkpolicy.yaml')
  t.equal(np.kind, 'NetworkPolicy')
  t.ok(matches(np.spec.podSelector.matchLabels, pod.metadata.labels), 'it selects the hub\'s pods')
  t.same(np.spec.policyTypes, ['Ingress', 'Egress'], 'both directions default-deny beyond its rules')
  const portNames = new Set(pod.spec.containers[0].ports.map((p: any) => p.name))
  for (const rule of np.spec.ingress) {
    for (const p of rule.ports) t.ok(portNames.has(p.port), `ingress port ${p.port} is a container port`)
    if (rule.ports.some((p: any) => p.port === 'metrics')) t.ok(rule.from?.length > 0, 'metrics only from a named source')
  }
  t.same(np.spec.ingress.filter((r: any) => !r.from).flatMap((r: any) => r.ports.map((p: any) => p.port)), ['http'], 'only http is open to all')
  const open = np.spec.egress.flatMap((r: any) => (r.to ?? []).filter((to: any) => to.ipBlock?.cidr === '0.0.0.0/0'))
  t.ok(open.length > 0 && open.every((to: any) => to.ipBlock.except?.includes('169.254.169.254/32')), 'never the cloud metadata service')
})

t.test('the image\'s built-in config is live mode; the sandbox only when BYOC_CONFIG asks for it', async t => {
  const docker = readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
  const runtime = docker.slice(docker.indexOf('AS runtime'))
  const builtIn = /BYOC_CONFIG=\/app\/(\S+)/.exec(runtime)?.[1]
  t.ok(builtIn, 'the runtime sets BYOC_CONFIG')
  t.match(runtime, new RegExp(`COPY --from=build /app/${builtIn!.split('/').slice(0, -1).join('/')} `), 'and the image holds that file')
  const path = join(ROOT, builtIn!)
  const vars = [...readFileSync(path, 'utf8').matchAll(/\$\{([A-Z0-9_]+)\}/g)].map(m => m[1]!)
  const env: Record<string, string> = Object.fromEntries(vars.map(v => [v, v.endsWith('_URL') ? `https://${v.toLowerCase().replace(/_/g, '-')}.example` : randomBytes(24).toString('hex')]))
  const config = loadConfigFile(path, env).config
  t.equal(config.cxone.mode, 'live', 'live mode')
  t.equal(config.channels.length > 0 && config.channels.every(c => c.plugin.startsWith('/app/')), true, 'plugin paths inside the image')
  t.throws(() => loadConfigFile(path, {}), /BYOC_CLIENT_SECRET is not set/, 'without its secrets the image does not start')
  t.match(docker, /-e BYOC_CONFIG=\/app\/config\/byoc-hub\.yaml/, 'the Dockerfile says how to ask for the sandbox')
  t.equal(loadConfigFile(join(ROOT, 'config/byoc-hub.yaml'), {}).config.cxone.mode, 'sandbox', 'and that config is sandbox mode')
})
