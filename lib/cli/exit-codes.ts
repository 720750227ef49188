// The exit codes of every `wa` command (the README lists the same three).
export const EXIT = {
  /** Done: what was asked happened (and every check passed). */
  done: 0,
  /** The operation was tried and failed: the API or Graph refused, a check failed, a send failed. */
  failed: 1,
  /** Usage or configuration error: a bad flag or value, a missing setting, a target that cannot be reached. */
  usage: 2,
} as const;

export const EXIT_CODES_HELP = 'exit codes: 0 done, 1 the operation failed (refused, a check failed), 2 usage or configuration error';
