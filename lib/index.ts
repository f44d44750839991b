/**
 * clipscope: embed, search and cluster images on the user's device, with a C++ core compiled
 * to WebAssembly.
 * @packageDocumentation
 */
export { env, init } from './wasm/core.js';
export { EmbeddingIndex } from './search/embedding-index.js';
export type {
  Id,
  IndexOptions,
  ItemCluster,
  ItemRows,
  ItemSelection,
  SearchOptions,
  SearchResult,
  StorageType,
} from './search/embedding-index.js';
export {
  SILHOUETTE_EXACT_LIMIT,
  autoK,
  kmeans,
  pca2d,
  silhouette,
  summarizeClusters,
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
} from './clustering/clustering.js';
export {
  ClipscopeError,
  CorruptDataError,
  DecodeError,
  DeletedError,
  DimensionMismatchError,
  DuplicateIdError,
  EmptyIndexError,
  InvalidArgumentError,
  LoadError,
  ModelInterfaceError,
  ModelLoadError,
  NotFiniteError,
  OutOfMemoryError,
  StorageError,
  UnknownIdError,
  UnsupportedVersionError,
  ZeroVectorError,
} from './common/errors.js';
export { kernelName } from './wasm/info.js';
export { DEFAULT_MAX_PIXELS, ImagePreprocessor, parsePreprocessorConfig } from './images/preprocess.js';
export type { PreprocessedBatch, PreprocessorConfig } from './images/preprocess.js';
export type { RawImage } from './images/raw-image.js';
export { decodeImage, decodeImages, orient } from './images/decode.js';
export type { DecodedImages, DecodeOptions, ImageSource } from './images/decode.js';
export { readImageHeader } from './images/image-header.js';
export type { ImageHeader } from './images/image-header.js';
export { CLIP_CONTEXT_LENGTH, CLIP_MERGE_COUNT, ClipTokenizer, gunzipText } from './text/tokenizer.js';
export type { EncodeOptions, TokenizedBatch } from './text/tokenizer.js';
export { CLIP_LOGIT_SCALE, ClipModel } from './model/clip-model.js';
export type {
  ClipModelOptions,
  EmbedOptions,
  EmbedProgress,
  ImageEmbeddings,
  LabelScore,
  StageTimings,
} from './model/clip-model.js';
export { Clipscope, createClipscope } from './engine/clipscope.js';
export type {
  AddImagesResult,
  ClipscopeOptions,
  ClusterOptions,
  ClusterResult,
  ImageItem,
  MapResult,
} from './engine/clipscope.js';
export { DEFAULT_MODEL_URL, MODEL_CACHE_NAME, clearModelCache, modelFiles } from './model/model-files.js';
export type { DownloadProgress, ModelDtype, ModelFiles, ModelManifest, ModelSource } from './model/model-files.js';
export { runtimeSettings, webgpuUnavailableReason } from './model/onnx-runtime.js';
export type { BackendChoice, BackendInfo, EncoderKind, RuntimeSettings } from './model/onnx-runtime.js';
export { ClipscopeWorker } from './engine/clipscope-worker.js';
export type { WorkerEmbedOptions, WorkerOptions } from './engine/clipscope-worker.js';
export { decodeNpy, encodeNpy, exportEmbeddings, importEmbeddings } from './persistence/interchange.js';
export type { EmbeddingsExport } from './persistence/interchange.js';
export {
  deleteIndexFromIndexedDB,
  loadIndexFromIndexedDB,
  loadIndexFromOpfs,
  saveIndexToIndexedDB,
  saveIndexToOpfs,
} from './persistence/persistence.js';
