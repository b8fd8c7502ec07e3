import type { ScaffoldNames } from './create-plugin-code.js'

/** Package metadata, build and test configuration, and the README of a scaffolded plugin. */
export const packageJson = (n: ScaffoldNames): string => JSON.stringify({
  name: n.pkg,
  version: '0.1.0',
  description: `${n.title} channel for byoc-hub (NICE CXone Bring Your Own Channel)`,
  type: 'module',
  main: 'dist/index.js',
  exports: { '.': './dist/index.js' },
  files: ['dist', 'README.md'],
  keywords: ['byoc-hub-plugin', 'byoc-hub', 'cxone'],
  scripts: { build: 'tsc -p tsconfig.build.json', test: 'tap', prepublishOnly: 'npm run build && npm test' },
  peerDependencies: { '@byoc-hub/plugin-api': '^1' },
  devDependencies: { '@byoc-hub/plugin-api': '^1.1.0', '@types/node': '^20.19.0', tap: '^21.0.0', typescript: '^5.9.0' },
  engines: { node: '>=20.18' }
}, null, 2) + '\n'

export const tsconfigJson = (): string => JSON.stringify({
  compilerOptions: {
    target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023'], types: ['node'],
    strict: true, skipLibCheck: true, esModuleInterop: true, noEmit: true
  },
  include: ['*.ts', 'test/**/*.ts']
}, null, 2) + '\n'

export const tsconfigBuildJson = (): string => JSON.stringify({
  extends: './tsconfig.json',
  compilerOptions: { noEmit: false, declaration: true, outDir: 'dist', rootDir: '.' },
  include: ['*.ts']
}, null, 2) + '\n'

export const taprc = (): string => `# the contract test starts a real hub and CXone emulator: give it time on slow machines
timeout: 120
disable-coverage: true
allow-incomplete-coverage: true
`

export const gitignore = (): string => 'node_modules/\ndist/\n.tap/\n'

export const readme = (n: ScaffoldNames): string => `# ${n.pkg}

${n.title} as a channel of [byoc-hub](https://github.com/byoc-hub/byoc-hub): customers on ${n.title} talk to agents in
NICE CXone through the Bring Your Own Channel integration.

## Use it

\`\`\`sh
npm install ${n.pkg}
\`\`\`

\`\`\`yaml
# byoc-hub.yaml
channels:
  - id: ${n.name}
    plugin: ${n.pkg}
    cxoneChannelId: chat_${n.name}   # the DFO channel this platform posts into
    config:
      platformUrl: https://platform.example/byoc   # where agent messages are POSTed
      signingSecret: \${${n.name.toUpperCase().replace(/-/g, '_')}_SIGNING_SECRET}
\`\`\`

The platform POSTs customer messages to \`<hub>/channels/${n.name}/messages\`:

\`\`\`json
{ "customerId": "c-1", "customerName": "Zed", "messageId": "m-1", "text": "hello" }
\`\`\`

signed with \`x-signature: sha256=<hex HMAC-SHA256 of the body with signingSecret>\`. Agent messages, typing and
closes arrive at \`platformUrl\` signed the same way; answer 2xx or the hub retries.

## Capabilities

| capability | declared | what the hub does otherwise |
| --- | --- | --- |
| attachments | no | sends them as links in the text |
| typing indicators | yes | - |
| read receipts | no | messages stay "sent" in CXone |
| max text length | 2000 | splits longer agent messages |

## Errors

| code | status | when |
| --- | --- | --- |
| BYOC_ERR_SIGNATURE_INVALID | 401 | x-signature missing or wrong |
| BYOC_ERR_MALFORMED_BODY | 400 | body is not JSON |
| BYOC_ERR_VALIDATION | 400 | body does not match the message schema |
| BYOC_ERR_THREAD_CLOSED | 409 | the agent ended the conversation |

## Develop

\`\`\`sh
npm run build   # tsc -> dist/
npm test        # the byoc-hub channel contract against a real hub and CXone emulator
\`\`\`

See "Writing a channel plugin" in the byoc-hub docs for the lifecycle, the contract and publishing.
`
