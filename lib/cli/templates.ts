// `wa templates`: the WABA's message templates with status and category (GET /{waba-id}/message_templates,
// every page), so a PAUSED or REJECTED template is seen before a send fails on it.
import { table } from './api-answer.js';
import { parseCommand, usageError, UsageError } from './args.js';
import { graphFailure, graphTarget, WABA_OPTIONS } from './graph-target.js';

export const description = "the WABA's message templates with status and category";

const USAGE = `usage: wa templates [--waba <id>] [--json]
Lists every message template of the WhatsApp Business Account (name, language, status, category, id).
Reads WHATSAPP_ACCESS_TOKEN (and GRAPH_BASE_URL for the local sandbox). The WABA is --waba, else the one that
owns WHATSAPP_PHONE_NUMBER_ID, else the only one the token can see.
exit code: 0 listed, 1 Graph refused (token, permissions), 2 usage or configuration error`;

const options = WABA_OPTIONS;

export async function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const parsed = parseCommand({ args, options, allowPositionals: false, strict: true }, USAGE);
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  try {
    const { graph, wabaId } = await graphTarget(env, v.waba);
    const templates = (await graph.listTemplates(wabaId)).map((t) => ({
      name: String(t['name'] ?? ''),
      language: String(t['language'] ?? ''),
      status: String(t['status'] ?? ''),
      category: String(t['category'] ?? ''),
      id: String(t['id'] ?? ''),
    }));
    if (v.json) console.log(JSON.stringify({ wabaId, templates }));
    else if (!templates.length) console.log(`WABA ${wabaId} has no message templates`);
    else {
      console.log(`WABA ${wabaId}`);
      console.log(table([['NAME', 'LANGUAGE', 'STATUS', 'CATEGORY', 'ID'], ...templates.map((t) => [t.name, t.language, t.status, t.category, t.id])]));
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, USAGE);
    const message = graphFailure(error);
    if (v.json) console.log(JSON.stringify({ error: message }));
    else console.error(`templates: ${message}`);
    return 1;
  }
}
