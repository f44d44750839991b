// One thread kept for the second half of a lone decode (see helper_thread.c).
#ifndef CLIPSCOPE_HELPER_THREAD_H
#define CLIPSCOPE_HELPER_THREAD_H

// Runs task(argument) on the helper thread and returns 1, or returns 0 when the helper is busy
// or cannot be started (the caller then does the work itself).
int helper_start(void (*task)(void* argument), void* argument);

// Waits for the task that helper_start accepted; only its caller calls this.
void helper_wait(void);

#endif
