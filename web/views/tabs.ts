// The view tabs, as the ARIA tabs pattern says: one tab in the Tab order, arrow keys (and Home,
// End) move between tabs and select them.
import type { Store, TabName } from '../store.js';

export class Tabs {
  readonly #tabs: HTMLButtonElement[];

  constructor(list: HTMLElement, store: Store, onSelect: (name: TabName) => void) {
    this.#tabs = [...list.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
    const nameOf = (tab: HTMLButtonElement) => tab.id.slice(4) as TabName;
    for (const tab of this.#tabs) tab.addEventListener('click', () => onSelect(nameOf(tab)));
    list.addEventListener('keydown', (event) => {
      const at = this.#tabs.indexOf(document.activeElement as HTMLButtonElement);
      if (at < 0) return;
      const last = this.#tabs.length - 1;
      const to =
        event.key === 'ArrowRight'
          ? (at + 1) % this.#tabs.length
          : event.key === 'ArrowLeft'
            ? (at + last) % this.#tabs.length
            : event.key === 'Home'
              ? 0
              : event.key === 'End'
                ? last
                : -1;
      if (to < 0) return;
      event.preventDefault();
      this.#tabs[to].focus();
      onSelect(nameOf(this.#tabs[to]));
    });
    store.subscribe((state, changed) => changed.has('tab') && this.#show(state.tab));
    this.#show(store.state.tab);
  }

  #show(name: TabName): void {
    for (const tab of this.#tabs) {
      const selected = tab.id === `tab-${name}`;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      document.getElementById(tab.getAttribute('aria-controls')!)!.hidden = !selected;
    }
  }
}
