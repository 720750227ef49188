// Imported first by bin/wa.ts: the CLI shares adapters with the Lambdas, whose Powertools logger and metrics
// write to stdout. A CLI's stdout is its answer (`--json` is one JSON document, `$(wa token rotate --local)` is
// the token), so metrics (EMF) are off and only warnings and errors are logged, which Powertools sends to stderr.
process.env['POWERTOOLS_METRICS_DISABLED'] = 'true';
const level = process.env['POWERTOOLS_LOG_LEVEL']?.toUpperCase();
if (!['WARN', 'ERROR', 'CRITICAL', 'SILENT'].includes(level ?? '')) process.env['POWERTOOLS_LOG_LEVEL'] = 'WARN';
// The pinned AWS SDK runs on Node 20; its notice that later releases will not is for whoever upgrades it
// (package.json engines), not for every `wa` run.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
