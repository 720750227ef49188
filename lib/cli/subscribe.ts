// `wa subscribe`: subscribes the app to the WABA's webhooks (POST /{waba-id}/subscribed_apps with the access
// token, whose app is the one subscribed), then reads the list back to confirm. Without this Meta sends the
// number's messages nowhere, however the callback URL is set.
import { runOnWaba } from './graph-target.js';

export const description = "subscribe the app to the WABA's webhooks (POST /{waba-id}/subscribed_apps)";

const USAGE = `usage: wa subscribe [--waba <id>] [--json]
Subscribes the access token's app to the WhatsApp Business Account's webhooks and lists the subscribed apps.
Reads WHATSAPP_ACCESS_TOKEN (and GRAPH_BASE_URL for the local sandbox); the WABA is chosen as in wa templates.
The app's callback URL and its fields (messages) are set in App Dashboard > WhatsApp > Configuration:
\`wa diagnose\` checks both.
exit code: 0 subscribed, 1 Graph refused, 2 usage or configuration error`;

export function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return runOnWaba('subscribe', USAGE, args, env, async ({ graph, wabaId, json }) => {
    const { success } = await graph.subscribeApp(wabaId);
    const apps = (await graph.getSubscribedApps(wabaId)).map((entry) => {
      const data = (entry['whatsapp_business_api_data'] ?? entry) as Record<string, unknown>;
      return { id: String(data['id'] ?? ''), name: String(data['name'] ?? '') };
  });
    if (json) console.log(JSON.stringify({ wabaId, subscribed: success, apps }));
    else {
      console.log(success ? `subscribed to WABA ${wabaId}` : `Graph did not confirm the subscription to WABA ${wabaId}`);
      for (const app of apps) console.log(`  app ${app.id}${app.name ? `  ${app.name}` : ''}`);
    }
    return success ? 0 : 1;
  });
}
