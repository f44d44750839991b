// Reading and setting the page's elements the same way in every engine, through evaluate.
import type { EnginePage } from './engine.js';

export const text = (page: EnginePage, selector: string): Promise<string | null> =>
  page.evaluate((selector) => document.querySelector(selector)?.textContent ?? null, selector);

export const texts = (page: EnginePage, selector: string): Promise<string[]> =>
  page.evaluate((selector) => [...document.querySelectorAll(selector)].map((e) => e.textContent ?? ''), selector);

export const attribute = (page: EnginePage, selector: string, name: string): Promise<string | null> =>
  page.evaluate(({ selector, name }) => document.querySelector(selector)?.getAttribute(name) ?? null, {
    selector,
    name,
  });

export const count = (page: EnginePage, selector: string): Promise<number> =>
  page.evaluate((selector) => document.querySelectorAll(selector).length, selector);

/** Whether the element exists and takes up space on the page (as a user would see it). */
export const visible = (page: EnginePage, selector: string): Promise<boolean> =>
  page.evaluate((selector) => {
    const element = document.querySelector(selector) as HTMLElement | null;
    return !!element && element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
  }, selector);

export const checked = (page: EnginePage, selector: string): Promise<boolean> =>
  page.evaluate(
    (selector) => (document.querySelector(selector) as HTMLInputElement | null)?.checked ?? false,
    selector,
  );

/** Chooses an option of a <select> and fires the change event a user's choice fires. */
export const selectOption = (page: EnginePage, selector: string, value: string): Promise<void> =>
  page.evaluate(
    ({ selector, value }) => {
      const select = document.querySelector(selector) as HTMLSelectElement;
      select.value = value;
      select.dispatchEvent(new Event('input', { bubbles: true }));
      select.dispatchEvent(new Event('change', { bubbles: true }));
    },
    { selector, value },
  );

/** The data-id of every element matching `selector`, in page order. */
export const dataIds = (page: EnginePage, selector: string): Promise<string[]> =>
  page.evaluate(
    (selector) => [...document.querySelectorAll(selector)].map((e) => (e as HTMLElement).dataset.id ?? ''),
    selector,
  );
