// Types of the shared-memory build's Emscripten glue (the same shape as clipscope-core.d.mts).
interface ClipscopeCoreOptions {
  instantiateWasm(
    imports: WebAssembly.Imports,
    done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ): object;
}
declare function createClipscopeCore(options: ClipscopeCoreOptions): Promise<unknown>;
export default createClipscopeCore;
