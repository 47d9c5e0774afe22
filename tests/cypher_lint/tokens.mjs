// Neo4j's own tokens for each query, to compare kb's console lexer with.
// stdin: ["query", ...]   stdout: [[{"type": tokenType, "token": text, "start": offset}, ...], ...]
import { highlightSyntax } from '@neo4j-cypher/language-support';

let input = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) input += chunk;
const out = JSON.parse(input).map((query) =>
  highlightSyntax(query).map((t) => ({ type: t.tokenType, token: t.token, start: t.position.startOffset })),
);
process.stdout.write(JSON.stringify(out));
