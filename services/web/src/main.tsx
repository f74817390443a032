import { render } from 'preact'
import { loadWebConfig } from './api/endpoints.js'
import { App } from './ui/App.js'
import './styles.css'

const root = document.getElementById('app')
if (!root) throw new Error('index.html has no #app')

loadWebConfig().then(
  (config) => render(<App config={config} />, root),
  () =>
    render(
      <main class="auth">
        <h1>Cruddur messages</h1>
        <p class="error" role="alert">
          The page could not load its settings. Reload to try again.
        </p>
      </main>,
      root,
    ),
)
