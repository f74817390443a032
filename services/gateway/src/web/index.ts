/** The web page's configuration and headers, for routes/web-page.ts. */
export { contentSecurityPolicy, PAGE_HEADERS } from './security-headers.js'
export { cognitoOrigin, WebConfigError, webConfigOf } from './web-config.js'
