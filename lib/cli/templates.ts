// `wa templates`: the WABA's message templates with status and category (GET /{waba-id}/message_templates,
// every page), so a PAUSED or REJECTED template is seen before a send fails on it.
import { table } from './api-answer.js';
import { runOnWaba } from './graph-target.js';

export const description = "the WABA's message templates with status and category";

const USAGE = `usage: wa templates [--waba <id>] [--json]
Lists every message template of the WhatsApp Business Account (name, language, status, category, id).
Reads WHATSAPP_ACCESS_TOKEN (and GRAPH_BASE_URL for the local sandbox). The WABA is --waba, else the one that
owns WHATSAPP_PHONE_NUMBER_ID, else the only one the token can see.
exit code: 0 listed, 1 Graph refused (token, permissions), 2 usage or configuration error`;

export function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runOnWaba('templates', USAGE, args, env, async ({ graph, wabaId, json }) => {
    const templates = (await graph.listTemplates(wabaId)).map((t) => ({
      name: String(t['name'] ?? ''),
      language: String(t['language'] ?? ''),
      status: String(t['status'] ?? ''),
      category: String(t['category'] ?? ''),
      id: String(t['id'] ?? ''),
    }));
    if (json) console.log(JSON.stringify({ wabaId, templates }));
    else if (!templates.length) console.log(`WABA ${wabaId} has no message templates`);
    else {
      console.log(`WABA ${wabaId}`);
      console.log(table([['NAME', 'LANGUAGE', 'STATUS', 'CATEGORY', 'ID'], ...templates.map((t) => [t.name, t.language, t.status, t.category, t.id])]));
    }
    return 0;
  });
}
