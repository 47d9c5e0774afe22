// Lints Cypher statements with Neo4j's own language service.
// stdin: {"schema": DbSchema, "statements": [{"name": ..., "query": ...}]}
// stdout: [{"name": ..., "diagnostics": [{"severity": 1|2, "message": ...}]}]
import { lintCypherQuery } from '@neo4j-cypher/language-support';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const { schema, statements } = JSON.parse(input);
const out = statements.map(({ name, query }) => {
  const result = lintCypherQuery(query, schema);
  const diagnostics = (Array.isArray(result) ? result : result.diagnostics ?? []).map((d) => ({
    severity: d.severity,
    message: d.message,
    line: d.range?.start?.line,
  }));
  return { name, diagnostics };
});
process.stdout.write(JSON.stringify(out));
