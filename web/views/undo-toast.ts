// "Removed 3 photos · Undo": one at a time, until the next removal or 30 seconds.
import { $, describe, say } from '../ui.js';

let timer: ReturnType<typeof setTimeout> | undefined;
let current: (() => Promise<void>) | undefined;

export function initUndoToast(): void {
  $('undo').addEventListener('click', () => {
    const undo = current;
    current = undefined;
    $('undo').hidden = true;
    if (!undo) return;
    say($('toast-message'), 'Putting it back…');
    undo().then(
      () => say($('toast-message'), 'Put back.'),
      (error) => say($('toast-message'), `Could not undo: ${describe(error)}`, true),
    );
  });
}

export function offerUndo(message: string, undo: () => Promise<void>): void {
  clearTimeout(timer);
  current = undo;
  say($('toast-message'), message);
  $('undo').hidden = false;
  $('toast').hidden = false;
  timer = setTimeout(() => {
    current = undefined;
    $('toast').hidden = true;
  }, 30_000);
}
