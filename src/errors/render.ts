/** Renders the error catalog as docs/errors.md (written by `npm run docs`, checked by a test). */
import { ERRORS } from './catalog.js';

export function renderErrorsMarkdown(): string {
  const rows = Object.entries(ERRORS).map(
    ([code, spec]) =>
      `| \`${code}\` | ${spec.status} | ${spec.title} | ${spec.retryable ? 'yes' : 'no'} | ${spec.hint} |`,
  );
  return `# Errors

<!-- Generated from src/errors/catalog.ts by \`npm run docs\`. Do not edit by hand. -->

Every error the HTTP API returns is an \`application/problem+json\` document (RFC 9457):

\`\`\`json
{
  "type": "urn:opsbook:problem:OPS_VALIDATION",
  "title": "The request is not valid",
  "status": 400,
  "code": "OPS_VALIDATION",
  "detail": "1 field(s) of the body are not valid.",
  "instance": "req_06h0k3…",
  "retryable": false,
  "errors": [{ "pointer": "/body/email", "message": "Invalid email address" }]
}
\`\`\`

\`instance\` is the request id, also written to the server log, so an operator can find what happened.
\`errors\` lists each bad field of a validation failure as a JSON pointer into the request part
(\`/body/…\`, \`/query/…\`, \`/params/…\`). The CLI prints the same codes.

| code | HTTP status | title | retryable | how to fix |
| --- | --- | --- | --- | --- |
${rows.join('\n')}
`;
}
