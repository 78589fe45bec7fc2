// `node dist/cli.js watch <project> --port <n>` as a child process: started,
// waited on until it prints the viewer's address, stopped with SIGINT.
import { spawn, type ChildProcess } from 'node:child_process';

export interface WatchProcess {
  readonly url: string;
  readonly port: number;
  /** everything printed so far (stdout and stderr) */
  output(): string;
  stop(): Promise<void>;
}

export async function startWatch(project: string, options: { port?: number; args?: string[]; env?: Record<string, string> } = {}): Promise<WatchProcess> {
  const child: ChildProcess = spawn(process.execPath, ['dist/cli.js', 'watch', project, '--port', String(options.port ?? 0), ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nnc watch did not print its address within 30 s:\n${out}`)), 30_000);
    const check = () => {
      const m = out.match(/viewer at (http:\/\/[^\s;]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace(/\/$/, ''));
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nnc watch exited with ${code}:\n${out}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    output: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
