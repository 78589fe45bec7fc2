// Entry point: render the app and connect to the server that served this page.
import { render } from 'preact';
import { App } from './app.js';
import { html } from './html.js';
import { startSync } from './sync.js';
import './style.css';

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
const connection = startSync(wsUrl);
render(html`<${App} onRetry=${() => connection.retryNow()} />`, document.getElementById('app')!);
