// Every `wa` command and the module that implements it. Loaded lazily so `wa qr` does not pay for AWS clients.
export interface Command {
  run(args: string[]): Promise<number>;
}

export const commands: Record<string, () => Promise<Command>> = {
  simulate: () => import('./simulate.js'),
  sandbox: () => import('./sandbox.js'),
  send: () => import('./send.js'),
  qr: () => import('./qr.js'),
  card: () => import('./card.js'),
  contacts: () => import('./contacts.js'),
  diagnose: () => import('./diagnose.js'),
  accounts: () => import('./accounts.js'),
  token: () => import('./token.js'),
  wazzup: () => import('./wazzup.js'),
  users: () => import('./users.js'),
  status: () => import('./status.js'),
  events: () => import('./events.js'),
  templates: () => import('./templates.js'),
  subscribe: () => import('./subscribe.js'),
  test: () => import('./test.js'),
};
