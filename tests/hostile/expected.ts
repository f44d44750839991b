// What each case of battery.ts must give, in Node and in every browser: the typed error and
// its message (stating the bound), or the exact result.
export const EXPECTED_OUTCOMES = [
  {
    name: 'crop_size 256 x 33554433',
    error: 'InvalidArgumentError',
    message: 'crop_size.height must be an integer from 0 to 4096, got 33554433',
  },
  {
    name: 'encodeBatch contextLength 2^31 + 77',
    error: 'InvalidArgumentError',
    message: 'contextLength must be an integer from 2 to 4096, got 2147483725',
  },
  {
    name: 'encodeBatch padId 2^31',
    error: 'InvalidArgumentError',
    message: 'padId must be an integer from 0 to 2147483647, got 2147483648',
  },
  { name: 'silhouette labels near 2^31', value: -0.4267706599131006 },
  { name: 'silhouette labels 0/1', value: -0.4267706599131006 },
  {
    name: 'silhouette label 2^32 + 1',
    error: 'InvalidArgumentError',
    message: 'labels[1] must be an integer from 0 to 2147483647, got 4294967297',
  },
  {
    name: 'kmeans k 2^32 + 1',
    error: 'InvalidArgumentError',
    message: 'k must be an integer from 1 to 65536, got 4294967297',
  },
  {
    name: 'kmeans maxIter 2^31',
    error: 'InvalidArgumentError',
    message: 'maxIter must be an integer from 1 to 100000, got 2147483648',
  },
  {
    name: 'kmeans nInit 2^32 + 1',
    error: 'InvalidArgumentError',
    message: 'nInit must be an integer from 1 to 1000, got 4294967297',
  },
  {
    name: 'autoK kMax 2^32',
    error: 'InvalidArgumentError',
    message: 'kMax must be an integer from 2 to 65536, got 4294967296',
  },
  {
    name: 'index rerankPool 2^32 + 5',
    error: 'InvalidArgumentError',
    message: 'rerankPool must be an integer from 0 to 1048576, got 4294967301',
  },
  {
    name: 'index dimension 2^32 + 3',
    error: 'InvalidArgumentError',
    message: 'dimension must be an integer from 1 to 65536, got 4294967299',
  },
  {
    name: 'search k 2^32 + 1',
    error: 'InvalidArgumentError',
    message: 'k must be an integer from 1 to 16777216, got 4294967297',
  },
  { name: 'search k 2^24 on 3 items', value: ['x', 'z', 'y'] },
  {
    name: 'PNG of 1 x 1 inflating to 64 MB',
    error: 'DecodeError',
    message:
      'bomb.png: PNG data is corrupt or truncated: image data inflates past the 2 bytes its header implies (corrupt, or a decompression bomb)',
  },
  { name: 'nested entities x 100000', value: [49406, 261, 6259, 282] },
  { name: 'one word of 1 MB', value: 131073 },
  {
    name: "id '\\uD800'",
    error: 'InvalidArgumentError',
    message: 'id 0 "\\ud800" holds a lone UTF-16 surrogate (U+D800) at 0: ids must be well-formed Unicode',
  },
  {
    name: "id '\\uD800a'",
    error: 'InvalidArgumentError',
    message: 'id 0 "\\ud800a" holds a lone UTF-16 surrogate (U+D800) at 0: ids must be well-formed Unicode',
  },
  {
    name: "has('\\uDC00')",
    error: 'InvalidArgumentError',
    message: 'id "\\udc00" holds a lone UTF-16 surrogate (U+DC00) at 0: ids must be well-formed Unicode',
  },
  { name: 'text with a lone surrogate', value: [39802, 320] },
  {
    name: 'saved id with invalid UTF-8',
    error: 'CorruptDataError',
    message: 'index data is corrupt: id 0 is not valid UTF-8 text',
  },
  {
    name: 'saved ids repeated',
    error: 'CorruptDataError',
    message: 'index data is corrupt: id "ab" appears more than once in the batch',
  },
  {
    name: "EmbeddingIndex.create('512')",
    error: 'InvalidArgumentError',
    message: 'dimension must be a number, got string "512"',
  },
  {
    name: 'add with an object id',
    error: 'InvalidArgumentError',
    message: 'id 0 must be a number or a string, got an object',
  },
  { name: 'encode(42)', error: 'InvalidArgumentError', message: 'text must be a string, got number 42' },
  {
    name: 'search with a string query',
    error: 'InvalidArgumentError',
    message: 'query must be a Float32Array or an array of numbers',
  },
  { name: 'kmeans with k as a string', error: 'InvalidArgumentError', message: 'k must be a number, got string "2"' },
];
