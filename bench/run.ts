// `npm run bench -- NAME` → runs bench/NAME.ts's run().
const name = process.argv[2];
if (!name || !/^[a-z0-9-]+$/.test(name)) {
  console.error('usage: npm run bench -- <name>   (a file bench/<name>.ts exporting run())');
  process.exit(2);
}
const mod = (await import(`./${name}.ts`)) as { run?: () => Promise<void> };
if (typeof mod.run !== 'function') {
  console.error(`bench/${name}.ts does not export run()`);
  process.exit(2);
}
await mod.run();
