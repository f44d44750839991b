// Photos known only by their embeddings (imported from an index file that `clipscope index
// <folder>` wrote) have no picture: they share one placeholder image, decoded once, and the grid
// writes their names over it as text. A picture drawn per photo took minutes to import at 50,000
// (encoded PNGs), or made scrolling three times slower (an SVG per name).
export const NO_PICTURE_URL = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" width="160" height="120" viewBox="0 0 160 120">' +
    '<rect width="160" height="120" fill="#d8dde3"/>' +
    '<path d="M52 84l20-26 14 17 10-12 14 21z" fill="#9aa5b1"/><circle cx="100" cy="44" r="7" fill="#9aa5b1"/></svg>',
)}`;
