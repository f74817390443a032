import { useEffect, useState } from 'preact/hooks'

/** Where the page is, in the URL's hash so a reload or the back button keeps it. */
export type Route = { view: 'list' } | { view: 'new' } | { view: 'conversation'; id: string }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function parseRoute(hash: string): Route {
  const [, first, second] = hash.replace(/^#/, '').split('/')
  if (first === 'c' && second && UUID.test(second)) return { view: 'conversation', id: second.toLowerCase() }
  if (first === 'new') return { view: 'new' }
  return { view: 'list' }
}

export const hrefOf = (route: Route) =>
  route.view === 'conversation' ? `#/c/${route.id}` : route.view === 'new' ? '#/new' : '#/'

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route)
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash))
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash))
    window.addEventListener('hashchange', update)
    return () => window.removeEventListener('hashchange', update)
  }, [])
  return route
}
