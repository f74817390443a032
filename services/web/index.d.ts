/** Absolute path of the built page (`dist/`, with a trailing slash): index.html and hashed assets/. */
export declare const webRoot: string
