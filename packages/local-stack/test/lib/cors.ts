/**
 * The origin cognito-local's CORS answer grants a browser page on `origin` (the preflight of
 * the SDK's POST), or null when it grants none.
 */
export async function cognitoAllowedOrigin(endpoint: string, origin: string): Promise<string | null> {
  const res = await fetch(`${endpoint}/`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,x-amz-target',
    },
  })
  return res.headers.get('access-control-allow-origin')
}
