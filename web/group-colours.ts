// Group colours of the map and the swatches; each group also shows its number, so no state is
// told by colour alone. Dark enough for white numbers on them (contrast 4.5:1 at least).
export const GROUP_COLOURS = [
  '#1d4ed8',
  '#b91c1c',
  '#15803d',
  '#b45309',
  '#6d28d9',
  '#0e7490',
  '#be185d',
  '#4d7c0f',
  '#7e22ce',
  '#c2410c',
  '#0f766e',
  '#374151',
];
