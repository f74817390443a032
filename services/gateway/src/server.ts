import { runServer } from '@cruddur/service-kit'
import app from './app.js'

await runServer({ name: 'gateway', app })
