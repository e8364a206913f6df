#!/usr/bin/env node
// The package registry this project is built against serves only some platform builds of packages with native
// binaries (@swc/core-*, @unrs/resolver-binding-*, ...). `npm install` then writes a lockfile that lacks the other
// platforms' optional packages, and `npm ci` refuses it as out of sync. This adds an entry, with its os/cpu, for
// every optional platform package a locked package names but the lockfile lacks; npm ci skips those on this
// platform, exactly as it would with complete entries. Run it after `npm install`: node scripts/lockfile-platform-stubs.js
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'loong64', 'riscv64', 'mips64el', 'wasm32'];

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p));
  return os && cpu ? { os, cpu } : undefined;
}

let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${name}`;
    const nested = `${location}/node_modules/${name}`;
    if (lock.packages[target] || lock.packages[nested]) continue;
    const platform = platformOf(name);
    if (!platform) continue;
    if (platform.os === process.platform && platform.cpu === process.arch) continue; // this machine's own build must be real
    lock.packages[target] = { version, dev: entry.dev || undefined, optional: true, os: [platform.os], cpu: [platform.cpu] };
    added++;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`lockfile-platform-stubs: added ${added} platform entries`);
