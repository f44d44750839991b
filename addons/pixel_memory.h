// Memory for decoded pixels that Node hands to JavaScript (see pixel_memory.c).
#ifndef CLIPSCOPE_PIXEL_MEMORY_H
#define CLIPSCOPE_PIXEL_MEMORY_H

#include <stddef.h>

// `length` bytes, or NULL. `mapped` says how to give them back (0 for malloc'ed memory).
unsigned char* allocate_pixels(size_t length, size_t* mapped);
// Gives back memory from allocate_pixels; any thread.
void free_pixels(unsigned char* pixels, size_t mapped);

#endif
