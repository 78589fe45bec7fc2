// End-to-end tests run the built CLI (dist/): build it once before any test.
import { execFileSync } from 'node:child_process';

export default function setup() {
  execFileSync(process.execPath, ['scripts/build.mjs', '--lenient-viewer'], { stdio: 'inherit' });
}
