/**
 * A release image whose server never becomes ready, for the Kubernetes rollback test: its
 * migrations run (`drydock migrate …` is this source), but `serve` exits at once with an error, as
 * a release with a broken start-up would — the pod crash-loops and is never ready.
 */
const [command] = process.argv.slice(2);
if (command === 'migrate') {
  await import('../../src/main.js');
} else {
  process.stderr.write(`drydock (broken test release): cannot start "${command ?? ''}": configuration error\n`);
  process.exit(1);
}
