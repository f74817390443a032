/** What Cognito's refusals mean to the person signing in or up (by the error's code/name). */
const WORDS: Record<string, string> = {
  NotAuthorizedException: 'Wrong e-mail or password.',
  UserNotFoundException: 'Wrong e-mail or password.',
  UserNotConfirmedException: 'This account is not confirmed yet: enter the code we sent you.',
  UsernameExistsException: 'An account with this e-mail exists already. Sign in instead.',
  AliasExistsException: 'An account with this e-mail exists already. Sign in instead.',
  InvalidPasswordException:
    'Choose a stronger password: at least 8 characters with upper and lower case, a digit and a symbol.',
  CodeMismatchException: 'That code is not right. Check it and try again.',
  ExpiredCodeException: 'That code has expired. Ask for a new one.',
  LimitExceededException: 'Too many attempts. Wait a few minutes, then try again.',
  TooManyRequestsException: 'Too many attempts. Wait a few minutes, then try again.',
  TooManyFailedAttemptsException: 'Too many attempts. Wait a few minutes, then try again.',
  PasswordResetRequiredException: 'This account needs a new password before it can sign in.',
  InvalidParameterException: 'Something in the form is not valid. Check each field.',
  NetworkError: 'Could not reach the sign-in service. Check your connection, then try again.',
}

/** Which form failed: a password refused at sign-in is a wrong one, at sign-up a weak one. */
export type AuthStep = 'signIn' | 'signUp' | 'confirm'

/**
 * cognito-local answers a wrong password with InvalidPasswordException where real Cognito says
 * NotAuthorizedException; at sign-in both mean the same to the person typing it.
 */
const AT_SIGN_IN: Record<string, string> = { InvalidPasswordException: 'Wrong e-mail or password.' }

export function cognitoWords(error: unknown, step: AuthStep): string {
  const e = error as { code?: unknown; name?: unknown } | null
  for (const key of [e?.code, e?.name]) {
    if (step === 'signIn' && typeof key === 'string' && Object.hasOwn(AT_SIGN_IN, key)) {
      return AT_SIGN_IN[key] as string
    }
    if (typeof key === 'string' && Object.hasOwn(WORDS, key)) return WORDS[key] as string
  }
  return 'Signing in did not work. Try again in a moment.'
}
