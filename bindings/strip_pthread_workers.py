"""Cuts the pthread Worker loader out of the shared-memory build's Emscripten glue.

clipscope links that build with -pthread only for atomics and shared memory; it never creates a
pthread (lib/wasm/thread-pool.ts starts its own Workers). Emscripten 3.1.6's glue still holds
`new Worker(new URL("<name>.worker.js", import.meta.url))`, which bundlers (Vite, webpack) try to
resolve and bundle. The loader becomes an error that says so; a glue that does not hold exactly
the expected code fails the build instead of shipping unchecked.

Usage: strip_pthread_workers.py GLUE.mjs
"""
import re
import sys

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    glue = f.read()
pattern = re.compile(r'allocateUnusedWorker:function\(\)\{.*?new Worker\(pthreadMainJs\)\)\}')
found = pattern.findall(glue)
if len(found) != 1:
    sys.exit(f"{path}: expected one pthread Worker loader, found {len(found)}")
glue = pattern.sub(
    'allocateUnusedWorker:function(){throw new Error("clipscope starts no pthreads")}', glue)
if "new Worker" in glue or ".worker.js" in glue:
    sys.exit(f"{path}: a Worker reference is left after stripping")
with open(path, "w", encoding="utf-8") as f:
    f.write(glue)
