/** Drops keys whose value is `undefined`, so `{ ...defaults, ...defined(opts) }` keeps the defaults. */
export function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
