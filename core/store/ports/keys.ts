/* The signing-keys port: the HS256 keys of the tokens the hub issues to CXone (the key ring depends on it). */

export interface SigningKey {
  readonly kid: string
  readonly secret: string
  readonly createdAt: number
}

export interface SigningKeysPort {
  /** Oldest first (by createdAt, then kid). */
  listSigningKeys (): Promise<SigningKey[]>
  /** Adds the key unless one with the same kid exists. */
  addSigningKey (key: SigningKey): Promise<void>
}
