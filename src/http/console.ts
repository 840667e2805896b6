import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * Where `npm run build` puts the console (vite's output). The same relative path works from
 * src/http/console.ts (run through tsx) and from dist/http/console.js (the installed binary).
 */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** Public, and only reads: the guard needs every route to say so (see route.ts). */
const PUBLIC_READ = { drydock: { access: 'public', writes: 'read' } } as const;

/**
 * The console's own HTML only loads its bundled scripts and styles and talks to this origin's API,
 * so a strict policy costs nothing and limits what an injected string could do.
 */
const HTML_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  // A new build must reach browsers at once; the hashed assets it names are cached for good.
  'cache-control': 'no-cache',
} as const;

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>drydock</title></head>
<body><h1>drydock</h1>
<p>The web console is not built. Run <code>npm run build</code> (or <code>npm install</code>) in the drydock checkout, then restart <code>drydock serve</code>.</p>
<p>The API works meanwhile: see <a href="/api/docs">/api/docs</a>.</p></body></html>
`;

/**
 * Serves the web console: its hashed assets under /assets/, any other file of the build by name,
 * and index.html for every other path outside /api/ so the single-page app's own routes survive a
 * reload or a bookmark. /api/ paths that match no route keep the API's 404 envelope.
 */
export async function consoleRoutes(app: FastifyInstance, opts: { dir?: string } = {}): Promise<void> {
  const dir = opts.dir ?? CONSOLE_DIR;

  // A 401 carries `WWW-Authenticate: Basic` for curl and Exastro's scripts; a browser answers that
  // with its own password prompt, over the console's sign-in page. The console marks its calls with
  // the usual `X-Requested-With: XMLHttpRequest`, and those 401s go without the challenge.
  app.addHook('onSend', async (request, reply, payload) => {
    if (reply.statusCode === 401 && request.headers['x-requested-with'] === 'XMLHttpRequest') {
      reply.removeHeader('www-authenticate');
    }
    return payload;
  });
  const built = existsSync(`${dir}/index.html`);
  if (built) {
    // Only the reply.sendFile decorator: the routes are declared below, with the guard's declaration.
    // preCompressed: the build writes .br and .gz beside each asset (web/vite.config.ts); a client
    // that accepts one gets it, any other the file itself.
    await app.register(fastifyStatic, { root: dir, serve: false, dotfiles: 'deny', preCompressed: true });
  }

  const sendIndex = (reply: FastifyReply) =>
    built
      ? reply.headers(HTML_HEADERS).sendFile('index.html', { maxAge: 0, immutable: false, cacheControl: false })
      : reply.code(503).headers(HTML_HEADERS).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);

  app.get('/assets/*', { config: PUBLIC_READ }, (request, reply) => {
    if (!built) return reply.callNotFound();
    const file = (request.params as { '*': string })['*'];
    return reply.header('x-content-type-options', 'nosniff').sendFile(`assets/${file}`, { maxAge: '365d', immutable: true });
  });

  app.get('/*', { config: PUBLIC_READ }, (request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    if (pathname === '/api' || pathname.startsWith('/api/')) return reply.callNotFound();
    // Files at the top of the build (favicon, robots.txt): served as they are, briefly cached.
    const file = /^\/([\w-][\w.-]*\.[a-z0-9]+)$/i.exec(pathname)?.[1];
    if (built && file !== undefined && file !== 'index.html' && existsSync(`${dir}/${file}`)) {
      return reply.sendFile(file, { maxAge: '1h' });
    }
    return sendIndex(reply);
  });
}

// Not encapsulated (what fastify-plugin does): the onSend hook above must see the API's replies.
Object.assign(consoleRoutes, { [Symbol.for('skip-override')]: true });
