// One WebSocket client's outgoing messages. Messages that follow training
// (stats, weights, logs) are coalesced: the newest stats and weights per
// project replace older ones still waiting, and at most `maxPerSecond` of them
// leave per second, so a fast training loop cannot flood a browser. Messages
// that follow edits (diagnostics, runs, compiles) go out at once, after
// whatever of their project was still waiting, so a client never sees a run's
// stats after its run_ended.
import type { ServerMessage } from '../../shared/protocol.js';

export interface ClientSink {
  write(text: string): void;
  /** bytes written but not yet sent (ws bufferedAmount) */
  backlog(): number;
}

export interface ClientChannel {
  send(message: ServerMessage): void;
  /** messages written so far */
  readonly sent: number;
  close(): void;
}

export interface ChannelOptions {
  /** coalesced messages per second (default 20) */
  readonly maxPerSecond?: number;
  /** a client slower than this many unsent bytes gets nothing coalesced until it catches up (default 1 MiB) */
  readonly maxBacklog?: number;
  /** non-spam log lines and epoch stats kept while waiting; older ones are dropped (the viewer can read /api/logs) */
  readonly maxQueuedLogs?: number;
}

type Lane = 'stats' | 'logs' | 'weights';
const LANES: readonly Lane[] = ['stats', 'logs', 'stats', 'weights'];

export function createClientChannel(sink: ClientSink, options: ChannelOptions = {}): ClientChannel {
  const interval = 1000 / (options.maxPerSecond ?? 20);
  const maxBacklog = options.maxBacklog ?? 1 << 20;
  const maxLogs = options.maxQueuedLogs ?? 200;
  // newest message per key, e.g. "stats:sentiment", "weights:sentiment", "spam:sentiment"
  const latest = new Map<string, ServerMessage>();
  const logs: ServerMessage[] = [];
  let lastSent = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | null = null;
  let turn = 0;
  let sent = 0;
  let closed = false;

  function write(message: ServerMessage): void {
    if (closed) return;
    sink.write(JSON.stringify(message));
    sent++;
  }

  function pending(): boolean {
    return latest.size > 0 || logs.length > 0;
  }

  function take(lane: Lane): ServerMessage | null {
    if (lane === 'logs' && logs.length > 0) return logs.shift()!;
    const prefix = lane === 'stats' ? 'stats:' : lane === 'weights' ? 'weights:' : 'spam:';
    for (const [key, message] of latest) {
      if (key.startsWith(prefix)) {
        latest.delete(key);
        return message;
      }
    }
    return null;
  }

  function sendOne(): void {
    for (let i = 0; i < LANES.length; i++) {
      const lane = LANES[(turn + i) % LANES.length]!;
      const message = take(lane);
      if (message) {
        turn = (turn + i + 1) % LANES.length;
        write(message);
        lastSent = performance.now();
        return;
      }
    }
  }

  function pump(): void {
    if (closed || timer || !pending()) return;
    const wait = lastSent + interval - performance.now();
    if (wait <= 0 && sink.backlog() <= maxBacklog) {
      sendOne();
      if (!pending()) return;
    }
    timer = setTimeout(
      () => {
        timer = null;
        pump();
      },
      Math.max(wait, interval / 4, 1),
    );
    timer.unref?.();
  }

  function queue(message: ServerMessage): void {
    logs.push(message);
    if (logs.length > maxLogs) logs.shift();
  }

  /** Everything still waiting for one project, in lane order, before a message that must follow it. */
  function drain(project: string): void {
    for (const key of [`stats:${project}`, `spam:${project}`, `weights:${project}`]) {
      const message = latest.get(key);
      if (message) {
        latest.delete(key);
        write(message);
      }
    }
    for (let i = 0; i < logs.length; ) {
      const message = logs[i]!;
      if ('project' in message && message.project === project) {
        logs.splice(i, 1);
        write(message);
      } else i++;
    }
  }

  return {
    send(message) {
      if (closed) return;
      switch (message.type) {
        case 'training_stats':
          // an epoch's validation metrics are kept in order, like log lines
          if (message.stats.kind === 'epoch') queue(message);
          else latest.set(`stats:${message.project}`, message);
          break;
        case 'weights_update':
          latest.set(`weights:${message.project}`, message);
          break;
        case 'training_log':
          if (message.log.spam) latest.set(`spam:${message.project}`, message);
          else queue(message);
          break;
        default:
          if ('project' in message) drain(message.project);
          write(message);
          return;
      }
      pump();
    },
    get sent() {
      return sent;
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      latest.clear();
      logs.length = 0;
    },
  };
}
