// One measurement (bench/cost-measure.ts) in a process of its own, since the handlers read their settings
// (CONTACT_REFRESH_MINUTES, LOG_LAMBDA_CONTEXT) once at module load; COST_CONVERSATION_LENGTH is --conversation: prints the Measurement as JSON on stdout.
import { measureDeliveries } from './cost-measure.js';

const conversation = Number(process.env.COST_CONVERSATION_LENGTH ?? 5);
const measurement = await measureDeliveries({ conversationLength: conversation });
process.stdout.write(`${JSON.stringify(measurement)}\n`);
