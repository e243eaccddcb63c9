// A value kept across reactive runs while each new one is the same by a given test: a derived
// that returns the kept value leaves everything drawn from it as it is.

/** Returns the value it kept while `same(kept, next)`, else keeps and returns `next`. */
export function keeper<T>(same: (kept: T, next: T) => boolean): (next: T) => T {
  let kept: { value: T } | null = null
  return (next) => {
    if (kept === null || !same(kept.value, next)) kept = { value: next }
    return kept.value
  }
}
