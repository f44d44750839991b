/**
 * clipscope's building blocks, for apps that assemble their own pipeline: the CLIP model alone,
 * image decoding and preprocessing, the tokenizer, clustering on plain arrays, model file
 * sources and `.npy` encoding. `import { ClipModel, kmeans } from 'clipscope/advanced'`.
 * @packageDocumentation
 */
export { CLIP_LOGIT_SCALE, ClipModel, DEFAULT_DTYPE } from './model/clip-model.js';
export type { ClipModelOptions, ImageEmbeddings, LabelScore, StageTimings } from './model/clip-model.js';
export { modelFiles } from './model/model-files.js';
export type { ModelFiles } from './model/model-files.js';
export { DEFAULT_MAX_PIXELS, ImagePreprocessor, parsePreprocessorConfig } from './images/preprocess.js';
export type { PreprocessedBatch, PreprocessorConfig } from './images/preprocess.js';
export type { RawImage } from './images/raw-image.js';
export { decodeImage, decodeImages, orient } from './images/decode.js';
export type { DecodedImages, DecodeOptions } from './images/decode.js';
export { nodeJpegDecoder } from './images/node-addon.js';
export type { NodeJpegDecoder } from './images/node-addon.js';
export { readImageHeader } from './images/image-header.js';
export type { ImageHeader } from './images/image-header.js';
export { CLIP_CONTEXT_LENGTH, CLIP_MERGE_COUNT, ClipTokenizer, gunzipText } from './text/tokenizer.js';
export type { EncodeOptions, TokenizedBatch } from './text/tokenizer.js';
export {
  SILHOUETTE_EXACT_LIMIT,
  autoK,
  kmeans,
  pca2d,
  silhouette,
  summarizeClusters,
  umap2d,
} from './clustering/clustering.js';
export type {
  AutoKOptions,
  AutoKResult,
  ClusterSummary,
  KMeansOptions,
  KMeansResult,
  Metric,
  Pca2dResult,
  SilhouetteOptions,
  Umap2dResult,
  UmapOptions,
} from './clustering/clustering.js';
export { decodeNpy, encodeNpy } from './persistence/interchange.js';
export { kernelName } from './wasm/info.js';
