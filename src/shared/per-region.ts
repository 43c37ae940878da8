/** One object per Region, made on first use and then reused: the Connect clients of the handlers and of the command-line tool. No imports. */

/** A cache of one object per Region. */
export interface PerRegion<T> {
  /** The Region's object, made on the first call for that Region. */
  get(region: string): T;
  /** Calls `dispose` on every object made so far and forgets them. */
  clear(dispose: (value: T) => void): void;
}

/** One object per Region, made by `make` on first use. */
export function perRegion<T>(make: (region: string) => T): PerRegion<T> {
  const made = new Map<string, T>();
  return {
    get(region) {
      let value = made.get(region);
      if (value === undefined) {
        value = make(region);
        made.set(region, value);
      }
      return value;
    },
    clear(dispose) {
      made.forEach(dispose);
      made.clear();
    },
  };
}
