// Asks what an import should do to a collection that already has photos: merge, replace, or
// nothing. Escape and the close button mean cancel.
export type ImportChoice = 'merge' | 'replace' | 'cancel';

export function askImportChoice(summary: string, mergeUnavailable?: string): Promise<ImportChoice> {
  const dialog = document.getElementById('import-dialog') as HTMLDialogElement;
  const merge = document.getElementById('import-merge') as HTMLButtonElement;
  document.getElementById('import-summary')!.textContent = summary;
  document.getElementById('import-merge-note')!.textContent = mergeUnavailable ?? '';
  merge.disabled = mergeUnavailable !== undefined;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve((dialog.returnValue || 'cancel') as ImportChoice), { once: true });
  });
}
