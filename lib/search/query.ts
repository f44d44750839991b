// Search queries as CLIP allows them: a text, a photo, or both, with terms to stay away from.
// "beach -people -"parked cars"" looks for "beach" and away from the two excluded terms; the
// query vector is the sum of the unit vectors looked for minus a weight times the excluded ones.
import { InvalidArgumentError } from '../common/errors.js';

/** A text split into what to look for and what to exclude. */
export interface ParsedQuery {
  /** The words looked for, in order (empty when the text only excludes). */
  text: string;
  /** Terms written `-word` or `-"a phrase"`. */
  exclude: string[];
}

// A term is a quoted phrase or a run of non-space characters, optionally led by "-".
const TERM = /(-?)"([^"]*)"|(-?)(\S+)/g;

/** Splits `text` into the words looked for and the `-excluded` terms. A lone "-" is ignored. */
export function parseQuery(text: string): ParsedQuery {
  const include: string[] = [];
  const exclude: string[] = [];
  for (const match of text.matchAll(TERM)) {
    const negative = (match[1] ?? match[3]) === '-';
    const term = (match[2] ?? match[4]).trim();
    if (!term || term === '-') continue;
    (negative ? exclude : include).push(term);
  }
  return { text: include.join(' '), exclude };
}

/** Default weight of an excluded term against the terms looked for. */
export const DEFAULT_EXCLUDE_WEIGHT = 0.5;

/**
 * The query vector: Σ unit(include) − weight · Σ unit(exclude), normalised. Every vector has
 * `dim` values; at least one is looked for.
 */
export function composeQuery(
  include: readonly Float32Array[],
  exclude: readonly Float32Array[],
  dim: number,
  weight = DEFAULT_EXCLUDE_WEIGHT,
): Float32Array {
  if (include.length === 0) throw new InvalidArgumentError('a query needs a text or a photo to look for');
  if (!(Number.isFinite(weight) && weight >= 0 && weight <= 1))
    throw new InvalidArgumentError(`excludeWeight must be between 0 and 1, got ${weight}`);
  const out = new Float64Array(dim);
  const addUnit = (v: Float32Array, scale: number) => {
    if (v.length !== dim) throw new InvalidArgumentError(`a query part has ${v.length} values, expected ${dim}`);
    let norm = 0;
    for (let i = 0; i < dim; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    if (!(norm > 0) || !Number.isFinite(norm)) throw new InvalidArgumentError('a query part is zero or not finite');
    for (let i = 0; i < dim; i++) out[i] += (scale * v[i]) / norm;
  };
  for (const v of include) addUnit(v, 1);
  for (const v of exclude) addUnit(v, -weight);
  let norm = 0;
  for (let i = 0; i < dim; i++) norm += out[i] * out[i];
  norm = Math.sqrt(norm);
  if (!(norm > 1e-6))
    throw new InvalidArgumentError('the excluded terms cancel what the query looks for: nothing is left to search');
  return Float32Array.from(out, (x) => x / norm);
}
