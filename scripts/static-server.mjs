// A static file server over the repository, for the browser tests and the browser benchmarks:
// the built package (dist/), built pages (build/), models and references. Sends Content-Length
// like a real server, and optionally COOP/COEP (cross-origin isolation) or CORS headers. For the
// tests it remembers every path asked for, can cut off a folder as a dropped network would, and
// collects the Content-Security-Policy violation reports browsers send to /csp-report.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const repository = fileURLToPath(new URL('../', import.meta.url));
const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
};

/**
 * @param {{ crossOriginIsolated?: boolean, cors?: boolean, csp?: string, root?: string }} options
 *   crossOriginIsolated: send COOP/COEP so pages can use SharedArrayBuffer (WASM threads);
 *   cors: let every origin read the files; csp: a Content-Security-Policy for every response;
 *   root: the folder to serve (default: the repository).
 * @returns {Promise<{ url: string, close: () => Promise<void>, requests: string[],
 *   cspReports: unknown[], cutOff: (prefix: string | undefined) => void }>}
 *   requests: the paths asked for, in order; cspReports: the violation reports received;
 *   cutOff(prefix): requests under prefix fail like a dropped connection (undefined: none do).
 */
export async function serveRepository(options = {}) {
  const root = options.root ? join(options.root, '/') : repository;
  const extraHeaders = {
    ...(options.crossOriginIsolated
      ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
      : {}),
    ...(options.cors ? { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' } : {}),
    ...(options.csp ? { 'Content-Security-Policy': options.csp } : {}),
  };
  const requests = [];
  const cspReports = [];
  let cut;
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    requests.push(path);
    if (cut !== undefined && path.startsWith(cut)) {
      request.socket.destroy();
      return;
    }
    if (path === '/csp-report' && request.method === 'POST') {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        cspReports.push(JSON.parse(body));
        response.writeHead(204).end();
      });
      return;
    }
    const file = join(root, path);
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, {
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
      'Content-Length': statSync(file).size,
      ...extraHeaders,
    });
    createReadStream(file).pipe(response);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cspReports,
    cutOff: (prefix) => (cut = prefix),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
