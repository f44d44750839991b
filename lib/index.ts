/**
 * clipscope: embed, search and cluster images on the user's device, with a C++ core compiled
 * to WebAssembly.
 * @packageDocumentation
 */
export { env, init } from './core.js';
export { EmbeddingIndex } from './embedding-index.js';
export type {
  Id,
  IndexOptions,
  ItemCluster,
  ItemRows,
  ItemSelection,
  SearchOptions,
  SearchResult,
  StorageType,
} from './embedding-index.js';
export { SILHOUETTE_EXACT_LIMIT, autoK, kmeans, pca2d, silhouette, summarizeClusters } from './clustering.js';
export type {
  AutoKOptions,
  AutoKResult,
  ClusterSummary,
  KMeansOptions,
  KMeansResult,
  Metric,
  Pca2dResult,
  SilhouetteOptions,
} from './clustering.js';
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
} from './errors.js';
export { kernelName } from './info.js';
export { DEFAULT_MAX_PIXELS, ImagePreprocessor, parsePreprocessorConfig } from './preprocess.js';
export type { PreprocessedBatch, PreprocessorConfig } from './preprocess.js';
export type { RawImage } from './raw-image.js';
export { decodeImage, decodeImages, orient } from './decode.js';
export type { DecodedImages, DecodeOptions, ImageSource } from './decode.js';
export { readImageHeader } from './image-header.js';
export type { ImageHeader } from './image-header.js';
export { CLIP_CONTEXT_LENGTH, CLIP_MERGE_COUNT, ClipTokenizer, gunzipText } from './tokenizer.js';
export type { EncodeOptions, TokenizedBatch } from './tokenizer.js';
export { CLIP_LOGIT_SCALE, ClipModel } from './clip-model.js';
export type { ClipModelOptions, EmbedOptions, EmbedProgress, ImageEmbeddings, LabelScore, StageTimings } from './clip-model.js';
export { Clipscope, createClipscope } from './clipscope.js';
export type { AddImagesResult, ClipscopeOptions, ClusterOptions, ClusterResult, ImageItem, MapResult } from './clipscope.js';
export { DEFAULT_MODEL_URL, MODEL_CACHE_NAME, clearModelCache, modelFiles } from './model-files.js';
export type { DownloadProgress, ModelDtype, ModelFiles, ModelManifest, ModelSource } from './model-files.js';
export { runtimeSettings, webgpuUnavailableReason } from './onnx-runtime.js';
export type { BackendChoice, BackendInfo, EncoderKind, RuntimeSettings } from './onnx-runtime.js';
export { ClipscopeWorker } from './clipscope-worker.js';
export type { WorkerEmbedOptions, WorkerOptions } from './clipscope-worker.js';
export { decodeNpy, encodeNpy, exportEmbeddings, importEmbeddings } from './interchange.js';
export type { EmbeddingsExport } from './interchange.js';
export {
  deleteIndexFromIndexedDB,
  loadIndexFromIndexedDB,
  loadIndexFromOpfs,
  saveIndexToIndexedDB,
  saveIndexToOpfs,
} from './persistence.js';
