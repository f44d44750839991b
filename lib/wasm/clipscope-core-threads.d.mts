// Types of the shared-memory build's Emscripten glue: the same factory as the other build's.
export { default } from './clipscope-core.mjs';
