// Entry point: render the app and connect to the server that served this page.
import { render } from 'preact';
import { App } from './app.js';
import { html } from './html.js';
import { startSync } from './sync.js';
import './style.css';

// batch=1: one frame per server tick, so epoch stats and log lines are never dropped for lack of frames
const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?batch=1`;
const connection = startSync(wsUrl);
render(html`<${App} onRetry=${() => connection.retryNow()} />`, document.getElementById('app')!);
