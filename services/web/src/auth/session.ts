import type { WebConfig } from '@cruddur/types'
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  type CognitoUserSession,
} from 'amazon-cognito-identity-js'
import { refreshDelayMs } from './refresh-timing.js'

/** Who is signed in, from the ID token's claims. */
export interface Identity {
  sub: string
  email: string
  handle: string
  displayName: string
}

export interface SignUpInput {
  email: string
  password: string
  handle: string
  displayName: string
}

/** Node-style callbacks of the Cognito library, as promises. */
function call<T>(fn: (done: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value as T))))
}

type Claims = Record<string, unknown>
const text = (v: unknown) => (typeof v === 'string' ? v : '')

function identityOf(claims: Claims): Identity {
  return {
    sub: text(claims.sub),
    email: text(claims.email),
    handle: text(claims.preferred_username),
    displayName: text(claims.name) || text(claims.preferred_username),
  }
}

/**
 * Real Cognito puts the standard attributes in the ID token; cognito-local only e-mail. Where
 * the handle is missing, the user's attributes are asked for (GetUser with the access token).
 */
async function identityFor(user: CognitoUser, session: CognitoUserSession): Promise<Identity> {
  const claims = session.getIdToken().decodePayload() as Claims
  if (text(claims.preferred_username)) return identityOf(claims)
  const attributes = await call<CognitoUserAttribute[] | undefined>((done) => user.getUserAttributes(done))
  const fromAttributes = Object.fromEntries((attributes ?? []).map((a) => [a.getName(), a.getValue()]))
  return identityOf({ ...claims, ...fromAttributes })
}

/**
 * Sign-in state against the configured pool. With `cognitoEndpoint` (cognito-local) the password
 * goes as USER_PASSWORD_AUTH, because cognito-local has no SRP; against real Cognito the library
 * runs SRP and the password never leaves the browser. Tokens are refreshed before they expire.
 */
export class Auth {
  private readonly pool: CognitoUserPool
  private user: CognitoUser | null = null
  private session: CognitoUserSession | null = null
  private timer: ReturnType<typeof setTimeout> | undefined
  private refreshing: Promise<CognitoUserSession> | undefined
  /** Called when the session ends by itself (refresh refused): the page shows sign-in again. */
  onExpired: () => void = () => {}

  constructor(private readonly config: WebConfig) {
    this.pool = new CognitoUserPool({
      UserPoolId: config.userPoolId,
      ClientId: config.clientId,
      ...(config.cognitoEndpoint ? { endpoint: config.cognitoEndpoint } : {}),
    })
  }

  private userFor(email: string): CognitoUser {
    const user = new CognitoUser({ Username: email, Pool: this.pool })
    if (this.config.cognitoEndpoint) user.setAuthenticationFlowType('USER_PASSWORD_AUTH')
    return user
  }

  private async adopt(user: CognitoUser, session: CognitoUserSession): Promise<Identity> {
    this.arm(user, session)
    return identityFor(user, session)
  }

  /** Keeps the session and sets the timer that refreshes it before the access token expires. */
  private arm(user: CognitoUser, session: CognitoUserSession): void {
    this.user = user
    this.session = session
    clearTimeout(this.timer)
    const access = session.getAccessToken()
    const delay = refreshDelayMs({ iat: access.getIssuedAt(), exp: access.getExpiration() }, Date.now())
    this.timer = setTimeout(() => {
      this.refresh().catch(() => this.expire())
    }, delay)
  }

  private expire() {
    this.signOut()
    this.onExpired()
  }

  /** The session kept from an earlier visit (refreshed if its tokens ran out), or null. */
  async restore(): Promise<Identity | null> {
    const user = this.pool.getCurrentUser()
    if (!user) return null
    try {
      const session = await call<CognitoUserSession>((done) => user.getSession(done))
      if (!session.isValid()) return null
      return this.adopt(user, session)
    } catch {
      return null
    }
  }

  async signIn(email: string, password: string): Promise<Identity> {
    const user = this.userFor(email.trim())
    const details = new AuthenticationDetails({ Username: email.trim(), Password: password })
    const session = await new Promise<CognitoUserSession>((resolve, reject) =>
      user.authenticateUser(details, {
        onSuccess: resolve,
        onFailure: reject,
        newPasswordRequired: () =>
          reject(
            Object.assign(new Error('new password required'), { code: 'PasswordResetRequiredException' }),
          ),
      }),
    )
    return this.adopt(user, session)
  }

  async signUp(input: SignUpInput): Promise<void> {
    const attributes = [
      new CognitoUserAttribute({ Name: 'email', Value: input.email.trim() }),
      new CognitoUserAttribute({ Name: 'name', Value: input.displayName.trim() }),
      new CognitoUserAttribute({ Name: 'preferred_username', Value: input.handle.trim() }),
    ]
    await call((done) => this.pool.signUp(input.email.trim(), input.password, attributes, [], done))
  }

  async confirm(email: string, code: string): Promise<void> {
    const user = this.userFor(email.trim())
    await call((done) => user.confirmRegistration(code.trim(), true, done))
  }

  async resendCode(email: string): Promise<void> {
    const user = this.userFor(email.trim())
    await call((done) => user.resendConfirmationCode(done))
  }

  /** Refreshes now (once at a time), re-arming the timer for the next refresh. */
  async refresh(): Promise<CognitoUserSession> {
    const { user, session } = this
    if (!user || !session) throw new Error('not signed in')
    this.refreshing ??= call<CognitoUserSession>((done) =>
      user.refreshSession(session.getRefreshToken(), done),
    ).finally(() => {
      this.refreshing = undefined
    })
    const fresh = await this.refreshing
    if (this.user === user) this.arm(user, fresh)
    return fresh
  }

  /** A valid access token for the API: refreshed first when the timer has not run yet (a sleeping laptop). */
  async accessToken(): Promise<string> {
    const session = this.session
    if (!session) throw new Error('not signed in')
    const due = session.getAccessToken().getExpiration() * 1000 - Date.now() < 10_000
    return (due ? await this.refresh() : session).getAccessToken().getJwtToken()
  }

  signOut(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.user?.signOut()
    this.user = null
    this.session = null
  }
}
