import type { WebConfig } from '@cruddur/types'
import type { ComponentChildren } from 'preact'
import { useState } from 'preact/hooks'
import { errorWords } from '../api/error-words.js'
import { type AuthStep, cognitoWords } from '../auth/cognito-words.js'
import type { Auth, Identity } from '../auth/session.js'
import { parseHandle } from '../compose/handle.js'
import { AuthForm } from './AuthForm.js'

type Mode = 'signin' | 'signup' | 'confirm'

interface Props {
  auth: Auth
  config: WebConfig
  notice?: string
  signedIn(identity: Identity): void
}

/** Sign in, sign up, confirm the code: one screen, three forms. */
export function AuthScreen({ auth, config, notice, signedIn }: Props) {
  const [mode, setMode] = useState<Mode>('signin')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [handle, setHandle] = useState('')
  const [displayName, setDisplayName] = useState('')
  const [code, setCode] = useState('')
  const [error, setError] = useState('')
  const [info, setInfo] = useState(notice ?? '')
  const [busy, setBusy] = useState(false)

  async function run(step: AuthStep, action: () => Promise<void>) {
    setBusy(true)
    setError('')
    try {
      await action()
    } catch (e) {
      setError(cognitoWords(e, step))
    } finally {
      setBusy(false)
    }
  }

  const signIn = (as = email, pw = password) =>
    run('signIn', async () => {
      try {
        signedIn(await auth.signIn(as, pw))
      } catch (e) {
        if ((e as { code?: string }).code === 'UserNotConfirmedException') setMode('confirm')
        throw e
      }
    })

  const field = (
    id: string,
    labelText: string,
    value: string,
    set: (v: string) => void,
    type: 'text' | 'email' | 'password' = 'text',
  ) => {
    const common = {
      id,
      value,
      required: true,
      onInput: (e: { currentTarget: HTMLInputElement }) => set(e.currentTarget.value),
    }
    return (
      <p class="field">
        <label for={id}>{labelText}</label>
        {type === 'password' ? (
          <input
            type="password"
            autocomplete={mode === 'signup' ? 'new-password' : 'current-password'}
            {...common}
          />
        ) : type === 'email' ? (
          <input type="email" autocomplete="email" {...common} />
        ) : (
          <input type="text" autocomplete="off" {...common} />
        )}
      </p>
    )
  }

  const form = (
    name: Mode,
    title: string,
    submit: string,
    onSubmit: () => void,
    fields: ComponentChildren,
    after: ComponentChildren,
  ) => <AuthForm {...{ name, title, submit, busy, error, onSubmit, after }}>{fields}</AuthForm>

  return (
    <main class="auth">
      <h1>Cruddur messages</h1>
      {info ? <p class="info">{info}</p> : null}
      {mode === 'signin'
        ? form(
            'signin',
            'Sign in',
            'Sign in',
            () => void signIn(),
            <>
              {field('email', 'E-mail', email, setEmail, 'email')}
              {field('password', 'Password', password, setPassword, 'password')}
            </>,
            <p>
              New here?{' '}
              <button type="button" class="link" onClick={() => setMode('signup')}>
                Create an account
              </button>
            </p>,
          )
        : mode === 'signup'
          ? form(
              'signup',
              'Create an account',
              'Create account',
              () => {
                const chosen = parseHandle(handle)
                if (!chosen) return setError(errorWords(['invalid_handle']))
                void run('signUp', async () => {
                  await auth.signUp({ email, password, handle: chosen, displayName })
                  setInfo('We sent a confirmation code to your e-mail.')
                  setMode('confirm')
                })
              },
              <>
                {field('signup-name', 'Your name', displayName, setDisplayName)}
                {field('signup-handle', 'Handle (letters, digits, _)', handle, setHandle)}
                {field('email', 'E-mail', email, setEmail, 'email')}
                {field('password', 'Password', password, setPassword, 'password')}
              </>,
              <button type="button" class="link" onClick={() => setMode('signin')}>
                I have an account: sign in
              </button>,
            )
          : form(
              'confirm',
              'Confirm your e-mail',
              'Confirm',
              () =>
                void run('confirm', async () => {
                  await auth.confirm(email, code)
                  if (password) return signedIn(await auth.signIn(email, password))
                  setInfo('Confirmed. Sign in with your e-mail and password.')
                  setMode('signin')
                }),
              <>
                {field('email', 'E-mail', email, setEmail, 'email')}
                {field('confirm-code', 'Confirmation code', code, setCode)}
              </>,
              <button
                type="button"
                class="link"
                disabled={busy}
                onClick={() =>
                  void run('confirm', async () => {
                    await auth.resendCode(email)
                    setInfo('A new code is on its way.')
                  })
                }
              >
                Send a new code
              </button>,
            )}
      {config.demo && mode === 'signin' ? (
        <section aria-labelledby="demo-title" class="demo">
          <h2 id="demo-title">Demo accounts</h2>
          <p>This is the local stack: every demo account's password is {config.demo.password}.</p>
          <ul>
            {config.demo.accounts.map((a) => (
              <li key={a.email}>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() => {
                    setEmail(a.email)
                    setPassword(config.demo?.password ?? '')
                    void signIn(a.email, config.demo?.password ?? '')
                  }}
                >
                  Sign in as @{a.handle} ({a.email})
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </main>
  )
}
