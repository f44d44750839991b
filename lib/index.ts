/**
 * clipscope: embed, search and cluster images on the user's device, with a C++ core compiled
 * to WebAssembly. This entry holds what an app needs: the engine (in a Worker or on the
 * calling thread), the index, persistence and the errors. The building blocks underneath
 * (model, preprocessing, decoding, tokenizer, clustering on arrays) are in `clipscope/advanced`.
 * @packageDocumentation
 */
export { env, init, coreThreads } from './wasm/core.js';
export type { CoreThreads } from './wasm/thread-support.js';
export { ClipscopeWorker } from './engine/clipscope-worker.js';
export type { WorkerEmbedOptions, WorkerOptions } from './engine/clipscope-worker.js';
export { Clipscope, createClipscope, DEFAULT_APPROXIMATE_ABOVE } from './engine/clipscope.js';
export type {
  AddImagesResult,
  IndexInfo,
  ClipscopeOptions,
  ClusterOptions,
  ClusterResult,
  ImageItem,
  MapOptions,
  MapResult,
  QueryOptions,
  SearchQuery,
} from './engine/clipscope.js';
export type { QueryResult } from './search/ranked-search.js';
export { DEFAULT_RELEVANCE_TOLERANCE } from './search/ranked-search.js';
export { parseQuery, composeQuery, DEFAULT_EXCLUDE_WEIGHT } from './search/query.js';
export type { ParsedQuery } from './search/query.js';
export { PHOTO_VOCABULARY } from './text/photo-vocabulary.js';
export type { EmbedOptions, EmbedProgress } from './model/clip-model.js';
export type { ImageSource } from './images/decode.js';
export { EmbeddingIndex } from './search/embedding-index.js';
export { ApproximateIndex, MAX_LISTS } from './search/approximate-index.js';
export type {
  ApproximateIndexInfo,
  ApproximateIndexOptions,
  ApproximateSearchOptions,
} from './search/approximate-index.js';
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
  deleteIndexFromIndexedDB,
  loadIndexFromIndexedDB,
  loadIndexFrom,
  loadIndexFromOpfs,
  loadIndexLocally,
  saveIndexLocally,
  saveIndexToIndexedDB,
  saveIndexToOpfs,
} from './persistence/persistence.js';
export type { LocalSave, SavedIndex } from './persistence/persistence.js';
export { DEFAULT_PIECE_BYTES, MAX_PIECE_BYTES } from './search/saved-pieces.js';
export type { LoadPiecesOptions, PieceSource, SavePiecesOptions } from './search/saved-pieces.js';
export { capabilities } from './engine/capabilities.js';
export type { Capabilities, Capability } from './engine/capabilities.js';
export { exportEmbeddings, importEmbeddings } from './persistence/interchange.js';
export { exportFaissIndex } from './persistence/faiss-export.js';
export type { FaissExport } from './persistence/faiss-export.js';
export type { EmbeddingsExport } from './persistence/interchange.js';
export { DEFAULT_MODEL_URL, MODEL_CACHE_NAME, clearModelCache } from './model/model-files.js';
export type { DownloadProgress, ModelDtype, ModelManifest, ModelSource } from './model/model-files.js';
export { runtimeSettings, webgpuUnavailableReason } from './model/onnx-runtime.js';
export type { BackendChoice, BackendInfo, EncoderKind, RuntimeSettings } from './model/onnx-runtime.js';
export {
  ClipscopeError,
  CorruptDataError,
  DecodeError,
  DeletedError,
  BusyError,
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
