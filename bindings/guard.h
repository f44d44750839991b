// The one exit for every binding that can fail: C++ exceptions (an allocation that WASM memory
// cannot hold, a container asked for more than it can index) become error values here, so none
// crosses into JavaScript as a bare WebAssembly exception and nothing leaks on the way.
#pragma once

#include <emscripten/val.h>

#include <new>
#include <stdexcept>
#include <string>

#include "marshal.h"

namespace clipscope::bindings {

// Bytes of the last allocation that failed (recorded by this module's operator new).
size_t LastFailedAllocationBytes();

val OutOfMemory(const std::string& detail);

// fn() returns a val (a result or an error value); exceptions become OutOfMemory errors.
template <typename Fn>
val Guarded(Fn&& fn) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return OutOfMemory("could not allocate " + std::to_string(LastFailedAllocationBytes()) +
                       " bytes of WebAssembly memory");
  } catch (const std::length_error& error) {
    return OutOfMemory(std::string("a buffer would exceed what WebAssembly memory can hold (") +
                       error.what() + ")");
  } catch (const std::exception& error) {
    return OutOfMemory(error.what());
  } catch (...) {
    // The shared-memory build (Emscripten 3.1.6, -pthread with native exceptions) matches no
    // typed catch clause; everything the core throws is an allocation that failed.
    return OutOfMemory("could not allocate " + std::to_string(LastFailedAllocationBytes()) +
                       " bytes of WebAssembly memory");
  }
}

}  // namespace clipscope::bindings
