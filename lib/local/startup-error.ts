// A reason `npm start` cannot start that the user fixes (a port in use, a DATA_DIR another runner holds, a bad
// setting): bin/local.ts prints its message as one line, without a stack trace, and exits 2.
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
