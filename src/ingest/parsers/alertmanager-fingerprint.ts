const FNV64_OFFSET_BASIS = 0xcbf29ce484222325n
const FNV64_PRIME = 0x100000001b3n
const UINT64_MASK = 0xffffffffffffffffn
/** Prometheus' model.SeparatorByte, written after every label name and value. */
const SEPARATOR_BYTE = 0xff

const utf8 = new TextEncoder()

/**
 * Alertmanager's own fingerprint of a label set (prometheus/common
 * `LabelSet.Fingerprint`: FNV-1a 64 over sorted name/value pairs, as 16 hex
 * digits). Computing the same value keeps an alert's identity stable whether or
 * not the sender included `fingerprint`.
 */
export function computeAlertmanagerFingerprint(labels: Readonly<Record<string, string>>): string {
  let hash = FNV64_OFFSET_BASIS
  const addByte = (byte: number): void => {
    hash = ((hash ^ BigInt(byte)) * FNV64_PRIME) & UINT64_MASK
  }
  // Go sorts names bytewise; JS's code-unit sort agrees for every name short of astral characters.
  for (const name of Object.keys(labels).sort()) {
    for (const byte of utf8.encode(name)) addByte(byte)
    addByte(SEPARATOR_BYTE)
    for (const byte of utf8.encode(labels[name] ?? '')) addByte(byte)
    addByte(SEPARATOR_BYTE)
  }
  return hash.toString(16).padStart(16, '0')
}
