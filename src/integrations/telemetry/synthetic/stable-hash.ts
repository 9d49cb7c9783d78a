/**
 * 32-bit hashes that turn (seed, names, integers) into well-mixed numbers. They are the
 * only source of randomness in the synthetic fleet, so every value is reproducible.
 */

/** FNV-1a over the UTF-16 code units, finished with a murmur3 avalanche. */
export function hashString(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return finalizeHash(h)
}

/** Combines integer parts into one hash; order matters. */
export function hashInts(...parts: number[]): number {
  let h = 0x9e3779b9
  for (const part of parts) {
    // Split into two 32-bit halves so minute indexes and millisecond stamps both mix fully.
    const low = part | 0
    const high = Math.floor(part / 0x1_0000_0000) | 0
    h = Math.imul(h ^ finalizeHash(low), 0x85ebca6b) + 0x6b43a9b3
    h = Math.imul(h ^ finalizeHash(high ^ 0x27d4eb2f), 0xc2b2ae35)
    h = (h << 13) | (h >>> 19)
  }
  return finalizeHash(h)
}

/** A uniform number in [0, 1) from a hash. */
export function unitFromHash(hash: number): number {
  return (hash >>> 0) / 0x1_0000_0000
}

/** An approximately standard-normal number from a hash (Irwin–Hall of four uniforms). */
export function gaussianFromHash(hash: number): number {
  let sum = 0
  let h = hash
  for (let i = 0; i < 4; i++) {
    h = finalizeHash(h + 0x9e3779b9)
    sum += unitFromHash(h)
  }
  // Four uniforms have mean 2 and variance 1/3.
  return (sum - 2) * Math.sqrt(3)
}

function finalizeHash(value: number): number {
  let h = value | 0
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
