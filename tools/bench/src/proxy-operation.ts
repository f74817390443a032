/**
 * What a counting proxy calls a request without an X-Amz-Target: method and path, ids replaced,
 * e.g. `GET /internal/users/by-sub/3f1c…?x=1` → `GET /internal/users/by-sub/:id`.
 */
export function operationOf(method = 'GET', url = '/'): string {
  const parts = (url.split('?')[0] ?? '/').split('/')
  const generic = parts.map((part, i) =>
    /^[0-9a-f-]{16,}$/i.test(part) || (parts[i - 1] ?? '').startsWith('by-') ? ':id' : part,
  )
  return `${method} ${generic.join('/')}`
}
