// One measurement (bench/cost-measure.ts) in a process of its own, since the handlers read their settings
// (CONTACT_REFRESH_MINUTES, LOG_LAMBDA_CONTEXT) once at module load: prints the Measurement as JSON on stdout.
import { measureDeliveries } from './cost-measure.js';

const measurement = await measureDeliveries();
process.stdout.write(`${JSON.stringify(measurement)}\n`);
