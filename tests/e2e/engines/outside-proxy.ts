// A proxy that refuses every request and remembers where it went: browsers pointed at it reach
// loopback directly and nothing else, so a test can state the network is down (the same in every
// engine) and list what the page tried to reach outside.
import { createServer, type Server } from 'node:http';

export async function startOutsideProxy(): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.writeHead(502).end('offline');
  });
  // HTTPS goes through CONNECT: remembered as https://host/ (the path is inside TLS) and refused.
  server.on('connect', (request, socket) => {
    requests.push(`https://${(request.url ?? '').replace(/:443$/, '')}/`);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// The browsers' own services (updates, settings, sign-in, autofill), reached through the proxy
// by the browser itself whatever the page does; not the page's requests.
const BROWSER_SERVICES = /(^|\.)(googleapis\.com|google\.com|gvt1\.com|mozilla\.(com|net|org)|firefox\.com)$/;

/** The requests of `requests` that are not the browser's own. */
export function pageRequests(requests: string[]): string[] {
  return requests.filter((url) => !BROWSER_SERVICES.test(new URL(url).hostname));
}
