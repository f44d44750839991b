// Memory for decoded pixels. A new image is otherwise touched 4 KB page by page, and a page
// fault can cost more than the decode itself (expensive in virtual machines: 6 MB of new pages
// took 20 ms where decoding a 1080p JPEG into them takes 7). So outputs of 64 KB and more get
// whole 2 MB pages, asked to be huge pages, and up to 128 MB of freed ones are kept for the next
// image of the same size, marked free to the kernel so that it can still take them back when
// short of memory.
#define _DEFAULT_SOURCE  // mmap's MAP_ANONYMOUS, madvise

#include "pixel_memory.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

// Many slots: a garbage collection frees many small images at once, and each one kept is an
// image that the next decodes need not fault in.
enum { HUGE_PAGE = 2 << 20, HUGE_FROM = 64 << 10, KEPT_SLOTS = 64 };
static const size_t KEPT_BYTES_MAX = (size_t)128 << 20;

static struct {
  unsigned char* pixels;
  size_t mapped;
  unsigned long long freed_at;  // order of freeing: the oldest is given back first
} kept[KEPT_SLOTS];
static size_t kept_bytes;
static unsigned long long frees;
static pthread_mutex_t kept_lock = PTHREAD_MUTEX_INITIALIZER;

static unsigned char* take_kept(size_t mapped) {
  unsigned char* pixels = NULL;
  pthread_mutex_lock(&kept_lock);
  for (int i = 0; i < KEPT_SLOTS && !pixels; i++) {
    if (kept[i].pixels && kept[i].mapped == mapped) {
      pixels = kept[i].pixels;
      kept[i].pixels = NULL;
      kept_bytes -= mapped;
    }
  }
  pthread_mutex_unlock(&kept_lock);
  return pixels;
}

// Keeps freed memory, giving back the longest-kept memory to make room: the sizes of the latest
// images are the likeliest to come next.
static void keep(unsigned char* pixels, size_t mapped) {
  struct {
    unsigned char* pixels;
    size_t mapped;
  } given_back[KEPT_SLOTS];
  int given = 0;
  if (mapped > KEPT_BYTES_MAX) {
    munmap(pixels, mapped);
    return;
  }
  // Before others can take it: advice given later could drop what the next image wrote.
#ifdef MADV_FREE
  madvise(pixels, mapped, MADV_FREE);
#endif
  pthread_mutex_lock(&kept_lock);
  int free_slot = -1;
  for (;;) {
    int oldest = -1;
    free_slot = -1;
    for (int i = 0; i < KEPT_SLOTS; i++) {
      if (!kept[i].pixels)
        free_slot = i;
      else if (oldest < 0 || kept[i].freed_at < kept[oldest].freed_at)
        oldest = i;
    }
    if ((free_slot >= 0 && kept_bytes + mapped <= KEPT_BYTES_MAX) || oldest < 0) break;
    given_back[given].pixels = kept[oldest].pixels;
    given_back[given++].mapped = kept[oldest].mapped;
    kept_bytes -= kept[oldest].mapped;
    kept[oldest].pixels = NULL;
  }
  const int keeps = free_slot >= 0 && kept_bytes + mapped <= KEPT_BYTES_MAX;
  if (keeps) {
    kept[free_slot].pixels = pixels;
    kept[free_slot].mapped = mapped;
    kept[free_slot].freed_at = ++frees;
    kept_bytes += mapped;
  }
  pthread_mutex_unlock(&kept_lock);
  for (int i = 0; i < given; i++) munmap(given_back[i].pixels, given_back[i].mapped);
  if (!keeps) munmap(pixels, mapped);
}

unsigned char* allocate_pixels(size_t length, size_t* mapped) {
  *mapped = 0;
  if (length < HUGE_FROM) return malloc(length);
  const size_t rounded = (length + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
  unsigned char* reused = take_kept(rounded);
  if (reused) {
    *mapped = rounded;
    return reused;
  }
  // One page more than needed, to start on a 2 MB boundary; the rest is given back at once.
  unsigned char* start =
      mmap(NULL, rounded + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (start == MAP_FAILED) return NULL;
  unsigned char* aligned =
      (unsigned char*)(((uintptr_t)start + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
  if (aligned > start) munmap(start, (size_t)(aligned - start));
  const size_t tail = (size_t)(start + rounded + HUGE_PAGE - (aligned + rounded));
  if (tail) munmap(aligned + rounded, tail);
#ifdef MADV_HUGEPAGE
  madvise(aligned, rounded, MADV_HUGEPAGE);
#endif
  *mapped = rounded;
  return aligned;
}

void free_pixels(unsigned char* pixels, size_t mapped) {
  if (mapped)
    keep(pixels, mapped);
  else
    free(pixels);
}
