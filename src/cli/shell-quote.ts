// An argument as a POSIX shell reads it back: printed commands ('Next: nnc
// check ...') must work when pasted, also for a folder named 'My Model 2'.

export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_./:@%+=,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
