// Counts allocations made inside the core's parallel shares while tests run them: a share must
// not allocate (parallel.h), and in WebAssembly a helper thread that did would fail, so the
// native tests catch it (share_allocations.cpp replaces operator new; not under
// AddressSanitizer, which keeps its own to check new against delete).
#pragma once

#include <cstddef>

namespace clipscope::testing {

// Set by the test runner while this thread runs a share.
extern thread_local bool running_share;
// Allocations made with running_share set, since the program started.
size_t AllocationsInShares();

}  // namespace clipscope::testing
