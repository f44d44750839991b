// A row of thumbnails with captions (search results, cluster members, duplicate groups).
export interface ThumbEntry {
  id: string;
  url: string | undefined;
  caption: string;
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
    item.className = 'thumb';
    item.dataset.id = entry.id;
    const button = document.createElement('button');
    button.type = 'button';
    button.title = entry.id;
    button.addEventListener('click', () => onPick(entry.id));
    if (entry.url) {
      const img = document.createElement('img');
      img.src = entry.url;
      img.alt = entry.id;
      button.append(img);
    } else {
      button.textContent = entry.id;
    }
    const caption = document.createElement('span');
    caption.className = 'name';
    caption.textContent = entry.caption;
    item.append(button, caption);
    list.append(item);
  }
  return list;
}
