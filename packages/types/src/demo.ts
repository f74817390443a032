/**
 * The demo people of the original Cruddur, as the local stack and the seed create them: in the
 * user directory and in the local Cognito pool, where they sign in with their e-mail.
 */
export interface DemoAccount {
  readonly handle: string
  readonly display_name: string
  readonly email: string
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { handle: 'andrewbrown', display_name: 'Andrew Brown', email: 'andrew@exampro.co' },
  { handle: 'bayko', display_name: 'Andrew Bayko', email: 'bayko@exampro.co' },
  { handle: 'londo', display_name: 'Londo Mollari', email: 'lmollari@centari.com' },
]
