/**
 * The base class of a driver: its instances carry the given port objects' methods as their own properties, so
 * `new SqliteStore(path)` (or `RedisStore.connect`) is one `Store` handle while each port stays its own small
 * object in its own file (sqlite-outbox.ts, redis-timers.ts, ...). Port objects are closures over the driver's
 * connection, so no method depends on `this` (a method passed around unbound still works). The constructor
 * argument's type is what checks that a driver supplies every port.
 */
export function portsBase<P extends object> (): new (ports: P) => P {
  // the cast names what Object.assign gives the instance: TypeScript cannot see own properties copied at runtime
  return class { constructor (ports: P) { Object.assign(this, ports) } } as new (ports: P) => P
}
