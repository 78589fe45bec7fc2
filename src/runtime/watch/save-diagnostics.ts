// The store keeps a watched project's last compile's diagnostics (for
// `nnc view` and the next start). Written after the compile's messages went
// out (setImmediate: a save burst is not slowed by SQLite), only when they
// changed, and only the newest: a compile that is already superseded is skipped.
import type { Diagnostic } from '../../compiler/diagnostics.js';
import type { RunStore } from '../store/types.js';

export interface DiagnosticsSaver {
  save(diagnostics: readonly Diagnostic[]): void;
  /** nothing is written after this */
  close(): void;
}

export function createDiagnosticsSaver(store: RunStore, onError: (message: string) => void): DiagnosticsSaver {
  let saved = '';
  let newest: readonly Diagnostic[] = [];
  let closed = false;
  return {
    save(diagnostics) {
      newest = diagnostics;
      const text = JSON.stringify(diagnostics);
      if (text === saved) return;
      saved = text;
      setImmediate(() => {
        if (closed || diagnostics !== newest) return;
        try {
          store.saveDiagnostics(diagnostics);
        } catch (error) {
          saved = '';
          onError(`The diagnostics could not be stored: ${(error as Error).message}`);
        }
      });
    },
    close() {
      closed = true;
    },
  };
}
