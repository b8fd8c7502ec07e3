// tap's coverage map (.taprc `coverage-map`): whatever a test file runs, only core/ is measured, because the floors
// in .taprc are about core/. Spawned CLI and hub processes that exit cleanly add what they ran (their dist/ maps back
// to core/ through the source maps); those killed with SIGKILL write nothing, so the figure rests on the in-process
// tests.
export default () => ['core/**/*.ts']
