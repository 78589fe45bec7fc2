// The WebSocket to /ws: reconnects with exponential backoff and jitter, and
// reports its state so the header can show it.
import type { BatchFrame, ServerMessage } from '../shared/protocol.js';

export type ConnectionState =
  | { readonly state: 'connecting'; readonly attempt: number }
  | { readonly state: 'open' }
  | { readonly state: 'closed'; readonly attempt: number; readonly retryAt: number };

export interface ConnectionOptions {
  readonly url: string;
  onMessage(message: ServerMessage): void;
  onState(state: ConnectionState): void;
  /** first delay; doubles up to maxDelayMs */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
}

export interface Connection {
  /** try now instead of waiting for the next retry */
  retryNow(): void;
  close(): void;
}

export function createConnection(options: ConnectionOptions): Connection {
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 8000;
  let ws: WebSocket | null = null;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const open = () => {
    clearTimeout(timer);
    if (closed) return;
    options.onState({ state: 'connecting', attempt });
    const socket = new WebSocket(options.url);
    ws = socket;
    socket.onopen = () => {
      attempt = 0;
      options.onState({ state: 'open' });
    };
    socket.onmessage = (e) => {
      let message: ServerMessage;
      try {
        message = JSON.parse(String(e.data));
      } catch {
        return;
      }
      // a /ws?batch=1 frame carries the messages due at one server tick, oldest first
      if (message?.type === ('batch' as string)) for (const m of (message as unknown as BatchFrame).messages) options.onMessage(m);
      else if (message && typeof message.type === 'string') options.onMessage(message);
    };
    // a failed connect also fires close, which schedules the retry
    socket.onerror = () => {};
    socket.onclose = () => {
      if (ws !== socket || closed) return;
      ws = null;
      const delay = Math.min(max, base * 2 ** attempt) * (0.8 + Math.random() * 0.4);
      attempt++;
      options.onState({ state: 'closed', attempt, retryAt: Date.now() + delay });
      timer = setTimeout(open, delay);
    };
  };

  open();
  return {
    retryNow() {
      if (!ws) open();
    },
    close() {
      closed = true;
      clearTimeout(timer);
      ws?.close();
    },
  };
}
