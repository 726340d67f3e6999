import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { readDemoWebFile } from './read-demo-web-file';

const demoWebDir = new URL('../../demo-web/', import.meta.url);
const modules = (await readdir(demoWebDir)).filter((name) => name.endsWith('.js'));

describe('readDemoWebFile', () => {
  it('serves every module of demo-web/ as JavaScript, as the browser needs for a module script', async () => {
    expect(modules).toContain('app.js');
    for (const name of modules) {
      const file = await readDemoWebFile(`/${name}`);
      expect(file?.contentType, name).toBe('text/javascript; charset=utf-8');
      expect(file?.body.toString(), name).toBe(await readFile(new URL(name, demoWebDir), 'utf8'));
    }
  });

  it('serves every module another module imports (the browser resolves them from /)', async () => {
    const imports = new Set<string>();
    for (const name of modules) {
      const source = await readFile(new URL(name, demoWebDir), 'utf8');
      for (const [, imported = ''] of source.matchAll(/^import [^;]+ from '([^']+)';$/gm)) {
        expect(imported, `${name} imports ${imported}`).toMatch(/^\.\/[a-z-]+\.js$/);
        imports.add(imported.slice(2));
      }
    }
    expect(imports).toContain('show-catalogue.js');
    for (const imported of imports) {
      expect(await readDemoWebFile(`/${imported}`), imported).toBeDefined();
    }
  });

  it('knows no other path: no file outside the list, and no index.html under its own name', async () => {
    for (const path of [
      '/index.html',
      '/app',
      '/APP.JS',
      '/__proto__',
      '/constructor',
      '//app.js',
    ]) {
      expect(await readDemoWebFile(path), path).toBeUndefined();
    }
  });
});
