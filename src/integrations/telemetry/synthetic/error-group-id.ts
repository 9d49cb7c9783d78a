import { hashInts, hashString } from './stable-hash'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** An Error Reporting-style group id, the same for a (service, error) pair whatever the window or seed. */
export function errorGroupId(service: string, key: string): string {
  const base = hashString(`${service}\u0000${key}`)
  let id = 'C'
  for (let i = 0; id.length < 16; i++) {
    let h = hashInts(base, i)
    for (let j = 0; j < 5 && id.length < 16; j++) {
      id += ALPHABET[h % ALPHABET.length]
      h = Math.floor(h / ALPHABET.length)
    }
  }
  return id
}
