// Small DOM helpers shared by the views.
export const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

export function say(element: HTMLElement, text: string, isError = false): void {
  element.textContent = text;
  element.classList.toggle('error', isError);
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}

/** A real button that opens a hidden file input (keyboard and screen readers reach it). */
export function pickerButton(button: HTMLButtonElement, input: HTMLInputElement): void {
  button.addEventListener('click', () => input.click());
}
