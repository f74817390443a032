import type { WebConfig } from '@cruddur/types'
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks'
import { Auth, type Identity } from '../auth/session.js'
import { AuthScreen } from './AuthScreen.js'
import { Messenger } from './Messenger.js'

/** Signed in or not: the session kept from an earlier visit is tried first. */
export function App({ config }: { config: WebConfig }) {
  const auth = useMemo(() => new Auth(config), [config])
  const [me, setMe] = useState<Identity | null | undefined>(undefined)
  const [notice, setNotice] = useState('')

  const signOut = useCallback(
    (why?: string) => {
      auth.signOut()
      setNotice(why ?? 'You are signed out.')
      setMe(null)
    },
    [auth],
  )

  useEffect(() => {
    auth.onExpired = () => {
      setNotice('Your session has ended. Please sign in again.')
      setMe(null)
    }
    auth.restore().then(setMe, () => setMe(null))
  }, [auth])

  if (me === undefined) return <p class="muted boot">Loading…</p>
  if (me === null) {
    return <AuthScreen auth={auth} config={config} notice={notice} signedIn={(who) => setMe(who)} />
  }
  return <Messenger auth={auth} me={me} signOut={signOut} />
}
