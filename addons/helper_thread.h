// One thread kept for the second half of a lone decode (see helper_thread.c).
#ifndef CLIPSCOPE_HELPER_THREAD_H
#define CLIPSCOPE_HELPER_THREAD_H

// Posts task(argument) to the helper thread and returns 1, or returns 0 when the helper is
// busy or cannot be started, as on a machine of one core (the caller then does the work itself).
int helper_start(void (*task)(void* argument), void* argument);

// For the caller of an accepted helper_start: returns 1 if the helper had not yet begun the
// task, which is then withdrawn (the caller does it itself); else waits for it and returns 0.
int helper_withdraw_or_wait(void);

#endif
