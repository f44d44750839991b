// A virtual X display for engines that have no headless mode (WebKitGTK's MiniBrowser).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';

export async function startXvfb(): Promise<{ display: string; stop: () => void }> {
  if (!existsSync('/usr/bin/Xvfb')) throw new Error('/usr/bin/Xvfb is missing: sudo apt-get install -y xvfb');
  // -displayfd: Xvfb picks a free display number and writes it to file descriptor 3.
  const xvfb: ChildProcess = spawn(
    '/usr/bin/Xvfb',
    ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'],
    {
      stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    },
  );
  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    xvfb.stdio[3]!.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(`:${text.trim()}`);
    });
    xvfb.on('exit', (code) => reject(new Error(`Xvfb exited with ${code} before it opened a display`)));
  });
  return { display, stop: () => xvfb.kill() };
}
