import type { SeededRandom } from './seeded-random'

type Line = (r: SeededRandom) => string

export interface BackgroundErrorLine {
  /** Stable within the service; the Error Reporting group id derives from it. */
  key: string
  group: string
  line: Line
}

/** What a healthy service writes: access lines, debug chatter, the odd warning and the odd known error. */
export interface BackgroundLogCatalog {
  info: Line[]
  debug: Line[]
  warning: Line[]
  error: BackgroundErrorLine[]
}

const clientIp = (r: SeededRandom) => `${r.pick(['203.0.113', '198.51.100', '192.0.2', '100.64.12'])}.${r.int(2, 254)}`
const podIp = (r: SeededRandom) => `10.8.${r.int(0, 15)}.${r.int(2, 254)}`
const orderId = (r: SeededRandom) => `ord_${r.token(10).toUpperCase()}`
const ms = (r: SeededRandom, low: number, high: number) => Math.round(low * Math.exp(r.next() * Math.log(high / low)))
const euros = (r: SeededRandom) => r.between(4, 380).toFixed(2)
const sku = (r: SeededRandom) => `SKU-${r.int(10_000, 99_999)}`
const slug = (r: SeededRandom) => r.pick(['trail-runner-2', 'merino-hoodie', 'espresso-grinder', 'desk-lamp-oak', 'rain-shell-pro', 'linen-sheets'])
const userAgent = (r: SeededRandom) =>
  r.pick([
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 Version/17.4 Safari/605.1.15',
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36',
  ])
const pgPrefix = (r: SeededRandom) => `[${r.int(20_000, 65_000)}]: [${r.int(1, 4)}-1] db=checkout,user=checkout_app`

/**
 * Background lines per service. None of them mentions a timeout, a deadline, an OOM,
 * a quota or a deploy: those words belong to injected incidents only, so a test (or the
 * analysis) that finds them has found the incident.
 */
export const BACKGROUND_LOGS: Record<string, BackgroundLogCatalog> = {
  frontend: {
    info: [
      (r) => `GET /products/${slug(r)} 200 ${ms(r, 40, 420)}ms ip=${clientIp(r)} ua="${userAgent(r)}"`,
      (r) => `GET /checkout 200 ${ms(r, 120, 900)}ms ip=${clientIp(r)} ua="${userAgent(r)}"`,
      (r) => `POST /checkout/confirm 303 ${ms(r, 200, 1_100)}ms ip=${clientIp(r)} order_id=${orderId(r)}`,
      (r) => `GET /cart 200 ${ms(r, 30, 260)}ms ip=${clientIp(r)}`,
      (r) => `GET /search?q=${r.pick(['boots', 'lamp', 'hoodie', 'grinder'])} 200 ${ms(r, 60, 500)}ms ip=${clientIp(r)}`,
    ],
    debug: [(r) => `cache hit product:${sku(r)} (age ${r.int(1, 290)}s)`, (r) => `render /products/${slug(r)} streamed in ${r.int(3, 9)} chunks`],
    warning: [
      (r) => `slow render: /checkout took ${ms(r, 900, 1_800)}ms in server components`,
      (r) => `client closed request GET /products/${slug(r)} after ${ms(r, 200, 2_000)}ms ip=${clientIp(r)}`,
    ],
    error: [
      {
        key: 'product-tile-null-price',
        group: "TypeError: Cannot read properties of null (reading 'price') at ProductTile (/app/.next/server/chunks/812.js:1:4410)",
        line: (r) =>
          `TypeError: Cannot read properties of null (reading 'price') at ProductTile (/app/.next/server/chunks/812.js:1:4410) path=/products/${slug(r)}`,
      },
      {
        key: 'hydration-mismatch',
        group: 'Error: Hydration failed because the server rendered HTML did not match the client',
        line: (r) => `Error: Hydration failed because the server rendered HTML did not match the client (path=/products/${slug(r)})`,
      },
    ],
  },
  'checkout-api': {
    info: [
      (r) => `checkout completed order_id=${orderId(r)} items=${r.int(1, 6)} total=${euros(r)} EUR user=u_${r.int(100_000, 999_999)} in ${ms(r, 180, 700)}ms`,
      (r) => `POST /v1/checkout 200 ${ms(r, 150, 650)}ms request_id=${r.hex(16)}`,
      (r) => `GET /v1/checkout/${orderId(r)}/status 200 ${ms(r, 8, 60)}ms`,
      (r) => `published OrderPlaced ${orderId(r)} to projects/shop-prod/topics/orders message_id=${r.int(10 ** 15, 10 ** 16)}`,
    ],
    debug: [(r) => `inventory hold hold_${r.hex(8)} created for ${orderId(r)} (ttl 900s)`, (r) => `price snapshot for cart c_${r.hex(12)} valid until +15m`],
    warning: [
      (r) => `promo code ${r.pick(['SPRING10', 'WELCOME5', 'FREESHIP'])} rejected for user u_${r.int(100_000, 999_999)}: expired`,
      (r) => `address validation fell back to postal-code lookup for ${r.pick(['DE', 'FR', 'NL', 'IT'])} ${r.int(10_000, 99_999)}`,
    ],
    error: [
      {
        key: 'postal-code-invalid',
        group: 'ValidationError: shipping_address.postal_code is not valid for country',
        line: (r) =>
          `ValidationError: shipping_address.postal_code "${r.int(100, 9_999)}" ` +
          `is not valid for country "${r.pick(['DE', 'FR', 'NL'])}" request_id=${r.hex(16)}`,
      },
      {
        key: 'duplicate-confirm',
        group: 'OrderStateError: order already completed; duplicate confirm ignored',
        line: (r) => `OrderStateError: order ${orderId(r)} already completed; duplicate confirm ignored`,
      },
    ],
  },
  'payment-api': {
    info: [
      (r) =>
        `POST /v1/payments/authorize 200 ${ms(r, 60, 240)}ms merchant=m_${r.int(1_000, 9_999)} ` +
        `amount=${euros(r)} EUR psp=adyen auth_code=${r.token(6).toUpperCase()}`,
      (r) => `POST /v1/payments/capture 200 ${ms(r, 40, 180)}ms payment_id=pay_${r.hex(12)}`,
      (r) => `fraud score ${r.between(0.01, 0.4).toFixed(2)} for txn tx_${r.hex(12)}: approve`,
    ],
    debug: [
      (r) => `psp request psp_${r.hex(10)} acknowledged in ${ms(r, 30, 150)}ms`,
      (r) => `tokenized card via KMS key payments-card-v3 in ${ms(r, 3, 20)}ms`,
    ],
    warning: [
      (r) => `card declined by issuer: code 05 (do not honour) txn=tx_${r.hex(12)}`,
      (r) => `3-D Secure challenge abandoned by shopper txn=tx_${r.hex(12)} after ${r.int(60, 600)}s`,
    ],
    error: [
      {
        key: 'idempotency-conflict',
        group: 'IdempotencyConflictError: idempotency key reused with a different amount',
        line: (r) => `IdempotencyConflictError: key idem_${r.hex(12)} reused with a different amount (${euros(r)} EUR vs ${euros(r)} EUR)`,
      },
      {
        key: 'psp-422',
        group: 'PspError: adyen refused request: 422 Unprocessable Entity',
        line: (r) =>
          `PspError: adyen refused request psp_${r.hex(10)}: 422 Unprocessable Entity ` +
          `(${r.pick(['invalid expiry date', 'unsupported card brand', 'amount below minimum'])})`,
      },
    ],
  },
  'fraud-check': {
    info: [
      (r) =>
        `scored txn=tx_${r.hex(12)} score=${r.between(0.01, 0.6).toFixed(3)} model=gbm-v14 ` +
        `decision=${r.chance(0.93) ? 'approve' : 'review'} in ${ms(r, 12, 60)}ms`,
      (r) => `feature vector for customer c_${r.int(100_000, 999_999)}: 142 features, ${r.int(0, 3)} defaulted`,
    ],
    debug: [(r) => `feature store read ${r.int(6, 14)} rows in ${ms(r, 2, 18)}ms`],
    warning: [(r) => `feature velocity_7d missing for customer c_${r.int(100_000, 999_999)}; using population default`],
    error: [
      {
        key: 'nan-feature',
        group: "ModelInputError: NaN in feature 'amount_zscore_30d'; scored with fallback rules",
        line: (r) => `ModelInputError: NaN in feature 'amount_zscore_30d' for txn tx_${r.hex(12)}; scored with fallback rules`,
      },
    ],
  },
  'checkout-db': {
    info: [
      (r) =>
        `${pgPrefix(r)} LOG:  duration: ${r.between(200, 900).toFixed(3)} ms  execute <unnamed>: ` +
        'SELECT o.id, o.status FROM orders o WHERE o.user_id = $1 ORDER BY o.created_at DESC LIMIT 20',
      (r) =>
        `[${r.int(20_000, 65_000)}]: [1-1] db=,user= LOG:  checkpoint complete: wrote ${r.int(400, 4_000)} buffers ` +
        `(${r.between(1, 12).toFixed(1)}%); 0 WAL file(s) added, 0 removed, ${r.int(1, 6)} recycled`,
      (r) =>
        `[${r.int(20_000, 65_000)}]: [1-1] db=checkout,user=checkout_app LOG:  connection authorized: ` +
        `user=checkout_app database=checkout application_name=${r.pick(['checkout-api', 'checkout-api', 'inventory'])}`,
      (r) =>
        `[${r.int(20_000, 65_000)}]: [1-1] db=,user= LOG:  automatic vacuum of table ` +
        `"checkout.public.${r.pick(['orders', 'order_items', 'inventory_holds'])}": index scans: 1, pages: 0 removed, ${r.int(2_000, 90_000)} remain`,
    ],
    debug: [],
    warning: [(r) => `${pgPrefix(r)} WARNING:  there is no transaction in progress`],
    error: [
      {
        key: 'duplicate-key',
        group: 'ERROR: duplicate key value violates unique constraint "orders_idempotency_key_key"',
        line: (r) => `${pgPrefix(r)} ERROR:  duplicate key value violates unique constraint "orders_idempotency_key_key"`,
      },
      {
        key: 'serialization-failure',
        group: 'ERROR: could not serialize access due to concurrent update',
        line: (r) => `${pgPrefix(r)} ERROR:  could not serialize access due to concurrent update`,
      },
    ],
  },
  cart: {
    info: [
      (r) => `GET /v1/carts/c_${r.hex(12)} 200 ${ms(r, 3, 30)}ms items=${r.int(0, 9)}`,
      (r) => `POST /v1/carts/c_${r.hex(12)}/items 201 ${ms(r, 5, 40)}ms sku=${sku(r)}`,
      (r) => `DELETE /v1/carts/c_${r.hex(12)}/items/${sku(r)} 204 ${ms(r, 4, 25)}ms`,
    ],
    debug: [(r) => `redis GET cart:c_${r.hex(12)} hit in ${r.between(0.2, 2).toFixed(2)}ms from ${podIp(r)}`],
    warning: [(r) => `cart c_${r.hex(12)} has ${r.int(51, 80)} items; truncating recommendations`],
    error: [
      {
        key: 'cart-version-conflict',
        group: 'CartVersionConflict: cart modified concurrently',
        line: (r) => {
          const version = r.int(2, 40)
          return `CartVersionConflict: cart c_${r.hex(12)} modified concurrently (expected v${version}, found v${version + 1})`
        },
      },
    ],
  },
  inventory: {
    info: [
      (r) => `reserved sku=${sku(r)} qty=${r.int(1, 3)} warehouse=${r.pick(['ams-1', 'fra-2', 'par-1'])} order_id=${orderId(r)}`,
      (r) => `acked message ${r.int(10 ** 15, 10 ** 16)} from subscription orders-inventory (delivery attempt 1) in ${ms(r, 20, 160)}ms`,
    ],
    debug: [(r) => `firestore read stock/${sku(r)} in ${ms(r, 4, 30)}ms`],
    warning: [(r) => `low stock: sku=${sku(r)} on_hand=${r.int(0, 9)} (threshold 10) warehouse=${r.pick(['ams-1', 'fra-2', 'par-1'])}`],
    error: [
      {
        key: 'oversold',
        group: 'ReservationError: sku oversold',
        line: (r) => `ReservationError: sku ${sku(r)} oversold by ${r.int(1, 3)} units in ${r.pick(['ams-1', 'fra-2', 'par-1'])}`,
      },
    ],
  },
  pubsub: {
    info: [
      (r) =>
        `subscription orders-inventory: delivered ${r.int(1_200, 4_800)} messages in the last minute, ` +
        `oldest unacked ${r.int(1, 9)}s, ack latency p95 ${ms(r, 40, 220)}ms`,
    ],
    debug: [],
    warning: [],
    error: [],
  },
}

export const EMPTY_CATALOG: BackgroundLogCatalog = { info: [], debug: [], warning: [], error: [] }
