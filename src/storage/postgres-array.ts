/**
 * A Postgres array literal with every element quoted, to be passed as one parameter and cast (`${literal}::text[]`):
 * drizzle's `sql` spreads a JavaScript array into a parameter list instead.
 */
export function postgresArrayLiteral(values: ReadonlyArray<string | number>): string {
  return `{${values.map((v) => `"${String(v).replace(/["\\]/g, (c) => `\\${c}`)}"`).join(',')}}`
}
