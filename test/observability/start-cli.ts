// `byoc-hub <args>` from source, for tests that run the CLI in a child process (tap's TS loader is inherited).
import { main } from '../../core/cli/main.js'

main(process.argv.slice(2)).then(code => { process.exitCode = code }, (err: Error) => {
  console.error(err.message)
  process.exitCode = 1
})
