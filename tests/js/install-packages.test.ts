// The set-up scripts install missing Debian packages by themselves, proven without touching the
// machine: dpkg-query, apt-get, sudo and id are stubs on PATH that record how they were called.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'clipscope-install-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const listed = readFileSync(join(root, 'scripts/system-packages.txt'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() && !line.startsWith('#'))
  .map((line) => line.trim().split(/\s+/));
const DEMO_PACKAGES = listed.filter(([, ...uses]) => uses.includes('demo')).map(([name]) => name);
const ALL_PACKAGES = listed.map(([name]) => name);

function stub(dir: string, name: string, body: string): void {
  writeFileSync(join(dir, name), `#!/bin/bash\n${body}\n`);
  chmodSync(join(dir, name), 0o755);
}

// A folder of stubs: every package in `installed` is reported installed, the others not.
function stubs(options: { uid: number; installed?: string[]; withApt?: boolean; withSudo?: boolean }): {
  path: string;
  log: string;
} {
  const dir = mkdtempSync(join(work, 'bin-'));
  const log = join(dir, 'calls.log');
  const installed = (options.installed ?? []).join(' ');
  stub(
    dir,
    'dpkg-query',
    `for p in ${installed}; do [ "$p" = "\${@: -1}" ] && { printf installed; exit 0; }; done; printf not-installed`,
  );
  stub(dir, 'id', `echo ${options.uid}`);
  if (options.withSudo !== false) stub(dir, 'sudo', `echo "sudo $*" >> ${log}`);
  if (options.withApt !== false) stub(dir, 'apt-get', `echo "apt-get $*" >> ${log}`);
  return { path: dir, log };
}

// Runs `require_packages demo` as npm start does, with only the stubs on PATH (stdin not a
// socket: bash would read ~/.bashrc, taking Node's socketpair for a remote shell).
function requireDemoPackages(bin: { path: string }, env: Record<string, string> = {}) {
  const script = `source '${root}scripts/require-packages.sh'; require_packages demo "to build and serve the demo"; echo done`;
  return spawnSync('/bin/bash', ['--norc', '-c', script], {
    env: { PATH: bin.path, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const calls = (log: string) => {
  try {
    return readFileSync(log, 'utf8').trim().split('\n');
  } catch {
    return [];
  }
};

describe('system packages', () => {
  it('as root, installs exactly the missing packages with apt-get, saying what and why in one line', () => {
    const bin = stubs({ uid: 0, installed: ['cmake', 'python3-pil'] });
    const run = requireDemoPackages(bin);
    const missing = DEMO_PACKAGES.filter((p) => p !== 'cmake' && p !== 'python3-pil');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('done');
    expect(run.stderr.trim()).toBe(
      `clipscope: installing ${missing.join(' ')} (Debian packages needed to build and serve the demo)`,
    );
    expect(calls(bin.log)).toEqual(['apt-get update -qq', `apt-get install -y -qq ${missing.join(' ')}`]);
  });

  it('as another user, goes through sudo and leaves the confirmation to apt', () => {
    const bin = stubs({ uid: 1000 });
    const run = requireDemoPackages(bin);
    expect(run.status).toBe(0);
    expect(calls(bin.log)).toEqual(['sudo apt-get update -qq', `sudo apt-get install ${DEMO_PACKAGES.join(' ')}`]);
  });

  it('with CLIPSCOPE_NO_INSTALL=1, without apt or without sudo, prints the same list as a command and installs nothing', () => {
    const expected = `clipscope: missing system packages. Install them with:\n  sudo apt-get install -y ${DEMO_PACKAGES.join(' ')}`;
    const told = stubs({ uid: 0 });
    const noInstall = requireDemoPackages(told, { CLIPSCOPE_NO_INSTALL: '1' });
    expect(noInstall.status).toBe(1);
    expect(noInstall.stderr.trim()).toBe(expected);
    expect(calls(told.log)).toEqual([]);
    const noApt = stubs({ uid: 0, withApt: false });
    const withoutApt = requireDemoPackages(noApt);
    expect(withoutApt.status).toBe(1);
    expect(withoutApt.stderr.trim()).toBe(expected);
    expect(calls(noApt.log)).toEqual([]);
    const noSudo = stubs({ uid: 1000, withSudo: false });
    const withoutSudo = requireDemoPackages(noSudo);
    expect(withoutSudo.status).toBe(1);
    expect(withoutSudo.stderr.trim()).toBe(expected);
    expect(calls(noSudo.log)).toEqual([]);
  });

  it('does nothing when every package is installed', () => {
    const bin = stubs({ uid: 0, installed: ALL_PACKAGES });
    const run = requireDemoPackages(bin);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(calls(bin.log)).toEqual([]);
  });

  it('CI installs every package of the one list', () => {
    const script = `source '${root}scripts/require-packages.sh'; packages_for all`;
    const all = execFileSync('/bin/bash', ['-c', script], { encoding: 'utf8' }).trim().split('\n');
    expect(all).toEqual(ALL_PACKAGES);
    const ci = readFileSync(join(root, '.ci/run'), 'utf8');
    expect(ci).toContain('packages=($(packages_for all))');
    expect(ci).not.toMatch(/cmake|chromium/);
  });
});
