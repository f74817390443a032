/** A list's page size when `?limit=` is not given. */
export const DEFAULT_LIMIT = 20
