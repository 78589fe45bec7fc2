// One WebSocket client's outgoing messages. Messages that follow training
// (stats, weights, logs) are coalesced: the newest stats and weights per
// project replace older ones still waiting, and at most `maxPerSecond` of them
// leave per second, so a fast training loop cannot flood a browser. Of those,
// live stats take up to 5 a second and weights 2; epoch stats and log lines
// keep their order and get the rest, so they never fall behind. Messages
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

type Lane = 'stats' | 'weights' | 'queue' | 'spam';
/** In priority order: a lane sends when it has something and its own gap has passed. */
const LANES: readonly Lane[] = ['stats', 'weights', 'queue', 'spam'];
const PREFIX: Record<Exclude<Lane, 'queue'>, string> = { stats: 'stats:', weights: 'weights:', spam: 'spam:' };

export function createClientChannel(sink: ClientSink, options: ChannelOptions = {}): ClientChannel {
  const interval = 1000 / (options.maxPerSecond ?? 20);
  const maxBacklog = options.maxBacklog ?? 1 << 20;
  const maxLogs = options.maxQueuedLogs ?? 200;
  // Of the ~20 a second: live stats up to 5 (the newest is what a chart needs),
  // weights and spam lines up to 2, the ordered queue (epoch stats, log lines) the rest.
  const gap: Record<Lane, number> = { stats: Math.max(interval, 200), weights: Math.max(interval, 500), spam: Math.max(interval, 500), queue: interval };
  // newest message per key, e.g. "stats:sentiment", "weights:sentiment", "spam:sentiment"
  const latest = new Map<string, ServerMessage>();
  const logs: ServerMessage[] = [];
  const laneSent: Record<Lane, number> = { stats: -Infinity, weights: -Infinity, queue: -Infinity, spam: -Infinity };
  let lastSent = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | null = null;
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

  function has(lane: Lane): boolean {
    if (lane === 'queue') return logs.length > 0;
    for (const key of latest.keys()) if (key.startsWith(PREFIX[lane])) return true;
    return false;
  }

  function take(lane: Lane): ServerMessage | null {
    if (lane === 'queue') return logs.shift() ?? null;
    for (const [key, message] of latest) {
      if (key.startsWith(PREFIX[lane])) {
        latest.delete(key);
        return message;
      }
    }
    return null;
  }

  /** Sends the first lane that is due; returns when the next lane will be (Infinity when nothing waits). */
  function sendOne(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    for (const lane of LANES) {
      if (!has(lane)) continue;
      const due = laneSent[lane] + gap[lane];
      if (due <= now) {
        const message = take(lane)!;
        write(message);
        laneSent[lane] = lastSent = now;
        return now + interval;
      }
      next = Math.min(next, due);
    }
    return next;
  }

  function pump(): void {
    if (closed || timer || !pending()) return;
    const now = performance.now();
    let next = lastSent + interval;
    if (next <= now) {
      if (sink.backlog() > maxBacklog) next = now + interval;
      else next = sendOne(now);
      if (!pending() || next === Number.POSITIVE_INFINITY) return;
    }
    timer = setTimeout(
      () => {
        timer = null;
        pump();
      },
      Math.max(1, next - now),
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
