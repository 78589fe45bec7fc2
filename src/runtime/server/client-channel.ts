// One WebSocket client's outgoing messages. Messages that follow training
// (stats, weights, logs) are coalesced: the newest stats and weights per
// project replace older ones still waiting, and at most `maxPerSecond` of them
// leave per second, so a fast training loop cannot flood a browser. Of those,
// live stats take up to 5 a second and weights 2; epoch stats and log lines
// keep their order and get the rest, so they never fall behind. Messages
// that follow edits (diagnostics, runs, compiles) go out at once, after
// whatever of their project was still waiting, so a client never sees a run's
// stats after its run_ended.
import type { BatchFrame, ServerMessage } from '../../shared/protocol.js';

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
  /**
   * epoch stats and non-spam log lines kept while waiting (default 20, about
   * a second and a half's worth); when a run is so fast that they pile up, the oldest are
   * dropped (the viewer can read /api/logs and /api/runs/{id}/metrics)
   */
  readonly maxQueuedLogs?: number;
  /**
   * send what is due at each tick as one {type: 'batch', messages} frame
   * (a client opts in with /ws?batch=1): nothing ordered is ever dropped for
   * lack of frames, and still at most maxPerSecond frames a second
   */
  readonly batch?: boolean;
}

// A broadcast hands the same message object to every client: serialize it once.
const serialized = new WeakMap<ServerMessage, string>();
function serialize(message: ServerMessage): string {
  let text = serialized.get(message);
  if (text === undefined) {
    text = JSON.stringify(message);
    serialized.set(message, text);
  }
  return text;
}

type Lane = 'stats' | 'weights' | 'queue' | 'spam';
/** In priority order: a lane sends when it has something and its own gap has passed. */
const LANES: readonly Lane[] = ['stats', 'weights', 'queue', 'spam'];
const PREFIX: Record<Exclude<Lane, 'queue'>, string> = { stats: 'stats:', weights: 'weights:', spam: 'spam:' };

export function createClientChannel(sink: ClientSink, options: ChannelOptions = {}): ClientChannel {
  const interval = 1000 / (options.maxPerSecond ?? 20);
  const maxBacklog = options.maxBacklog ?? 1 << 20;
  const batch = options.batch === true;
  const maxLogs = options.maxQueuedLogs ?? (batch ? 2000 : 20);
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
    sink.write(serialize(message));
    sent++;
  }

  /** Several messages: one batch frame when the client asked for them, else one frame each. */
  function writeAll(messages: readonly ServerMessage[]): void {
    if (closed || messages.length === 0) return;
    if (batch && messages.length > 1) {
      const frame: BatchFrame = { type: 'batch', messages: [...messages] };
      sink.write(JSON.stringify(frame));
      sent++;
    } else for (const message of messages) write(message);
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

  /**
   * Sends what is due: the first due lane in priority order, or with batch
   * frames every due lane at once. Returns when something will next be due
   * (Infinity when nothing waits).
   */
  function sendDue(now: number): number {
    let next = Number.POSITIVE_INFINITY;
    const frame: ServerMessage[] = [];
    for (const lane of batch ? (['queue', 'stats', 'weights', 'spam'] as const) : LANES) {
      if (!has(lane)) continue;
      const due = laneSent[lane] + gap[lane];
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      if (lane === 'queue' && batch) frame.push(...logs.splice(0, logs.length));
      else frame.push(take(lane)!);
      laneSent[lane] = lastSent = now;
      if (!batch) break;
    }
    if (frame.length === 0) return next;
    writeAll(frame);
    return now + interval;
  }

  function pump(): void {
    if (closed || timer || !pending()) return;
    const now = performance.now();
    let next = lastSent + interval;
    if (next <= now) {
      if (sink.backlog() > maxBacklog) next = now + interval;
      else next = sendDue(now);
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

  /** Everything still waiting for one project, oldest first, before a message that must follow it. */
  function drain(project: string): ServerMessage[] {
    const out: ServerMessage[] = [];
    for (let i = 0; i < logs.length; ) {
      const message = logs[i]!;
      if ('project' in message && message.project === project) {
        logs.splice(i, 1);
        out.push(message);
      } else i++;
    }
    for (const key of [`stats:${project}`, `weights:${project}`, `spam:${project}`]) {
      const message = latest.get(key);
      if (message) {
        latest.delete(key);
        out.push(message);
      }
    }
    return out;
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
          writeAll('project' in message ? [...drain(message.project), message] : [message]);
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
