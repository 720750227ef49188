// Every `wa` command: its name, the one line `wa --help` prints for it, and the module that implements it
// (loaded lazily, so `wa qr` does not pay for AWS clients). A command module exports
// `run(args: string[]): Promise<number>` (the exit code, lib/cli/exit-codes.ts) and parses its flags with
// parseCommand (lib/cli/args.ts), whose flag table is also its `--help`. Adding a command is one line here.
export interface Command {
  run(args: string[]): Promise<number>;
}

export interface CommandEntry {
  /** One line for `wa --help`. */
  summary: string;
  load: () => Promise<Command>;
}

export const commands: Record<string, CommandEntry> = {
  simulate: { summary: 'post a signed Meta delivery (text, image, status) or a Wazzup24 message to the local webhook', load: () => import('./simulate.js') },
  send: { summary: 'send a text, template or media message through POST /messages', load: () => import('./send.js') },
  messages: { summary: 'show one message with its status history, or a contact\'s conversation', load: () => import('./messages.js') },
  contacts: { summary: 'export every contact as vCard or CSV', load: () => import('./contacts.js') },
  diagnose: { summary: 'check the token, phone number, WABA, webhook secrets and Wazzup24 (ok | warn | fail | skip)', load: () => import('./diagnose.js') },
  accounts: { summary: 'list the WhatsApp Business Accounts and phone number ids the token can see', load: () => import('./accounts.js') },
  token: { summary: 'show what debug_token says about the access token, or rotate it', load: () => import('./token.js') },
  wazzup: { summary: 'list Wazzup24 channels, show or register the Wazzup24 webhook', load: () => import('./wazzup.js') },
  sandbox: { summary: 'steer the local Graph sandbox: make sends fail or stall, list what it accepted', load: () => import('./sandbox.js') },
  qr: { summary: 'decode the QR codes in an image', load: () => import('./qr.js') },
  card: { summary: 'read a business card (image, text lines or Textract JSON) into a contact', load: () => import('./card.js') },
};
