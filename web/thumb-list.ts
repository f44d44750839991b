// A row of thumbnails with captions (search results, cluster members, duplicate groups). Each
// is a button (keyboard: Tab, Enter) named by its photo.
export interface ThumbEntry {
  id: string;
  url: string | undefined;
  caption: string;
  /** Tooltip; default the id. */
  title?: string;
  /** A mark shown beside the caption (not by colour alone), e.g. "representative". */
  badge?: string;
}

export function thumbList(
  entries: ThumbEntry[],
  onPick: (id: string) => void,
  className = 'thumb-row',
): HTMLOListElement {
  const list = document.createElement('ol');
  list.className = className;
  for (const entry of entries) {
    const item = document.createElement('li');
    item.className = entry.badge ? 'thumb marked' : 'thumb';
    item.dataset.id = entry.id;
    const button = document.createElement('button');
    button.type = 'button';
    button.title = entry.title ?? entry.id;
    button.setAttribute('aria-label', entry.badge ? `${entry.caption} (${entry.badge})` : entry.caption);
    button.addEventListener('click', () => onPick(entry.id));
    if (entry.url) {
      const img = document.createElement('img');
      img.src = entry.url;
      img.alt = '';
      button.append(img);
    } else {
      button.textContent = entry.id;
    }
    const caption = document.createElement('span');
    caption.className = 'name';
    caption.textContent = entry.caption;
    item.append(button, caption);
    if (entry.badge) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = `★ ${entry.badge}`;
      item.append(badge);
    }
    list.append(item);
  }
  return list;
}
