#!/usr/bin/env node
// Runs the compiled CLI (npm run build makes dist/).
import { main } from '../dist/core/cli/main.js'

main(process.argv.slice(2)).then(code => { process.exitCode = code }, err => {
  console.error(err && err.message ? err.message : err)
  process.exitCode = 1
})
