import fs from 'node:fs';
import http from 'node:http';

// The throughput ceiling: a bare node:http server that answers every request
// with the bytes the app answered to `GET /` (status, headers, body), captured
// once. Whatever the app does beyond this (routing, sessions, queries,
// templates) is what the ratio to this server measures.

const { status, headers, body } = JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) as {
  status: number;
  headers: Record<string, string>;
  body: string;
};
const bytes = Buffer.from(body, 'utf8');
const server = http.createServer((_req, res) => {
  res.writeHead(status, { ...headers, 'content-length': bytes.length });
  res.end(bytes);
});
server.keepAliveTimeout = 5_000;
server.listen(Number(process.env.PORT));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
