// Part of `npm run build`: the dashboard (ui/) into dist/ui/, served at /_emulator/ui (src/emulator/ui-routes.ts).
// Its script and style are bundled and minified with a hash of their content in their names, so the server
// can let browsers cache them for good; index.html names them.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}dist/ui`;

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  entryPoints: [`${root}ui/src/main.ts`, `${root}ui/app.css`],
  outdir: out,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome110', 'firefox110', 'safari16'],
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const names = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = names.find((n) => n.endsWith('.js'));
const css = names.find((n) => n.endsWith('.css'));
// The icon is a file of its own (not a data: URL), so the page's CSP can allow images from its origin only.
const icon = readFileSync(`${root}ui/favicon.svg`);
const iconName = `favicon-${createHash('sha256').update(icon).digest('hex').slice(0, 8).toUpperCase()}.svg`;
writeFileSync(`${out}/${iconName}`, icon);
const html = readFileSync(`${root}ui/index.html`, 'utf8')
  .replace('{{js}}', js)
  .replace('{{css}}', css)
  .replace('{{icon}}', iconName);
writeFileSync(`${out}/index.html`, html);
