// Types of the Emscripten glue that the WASM build writes next to this file (dist/wasm/).
interface ClipscopeCoreOptions {
  instantiateWasm(
    imports: WebAssembly.Imports,
    done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
  ): object;
}
declare function createClipscopeCore(options: ClipscopeCoreOptions): Promise<unknown>;
export default createClipscopeCore;
