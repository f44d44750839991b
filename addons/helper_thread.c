// A thread started once and kept: starting one per image cost more than it saved (each new
// thread's first allocations fault in fresh pages), and doubled the median decode time. A task
// it has not begun when its poster is ready to do the work itself is withdrawn: a helper kept
// from its core (by a garbage collection, another program) then never delays a decode.
#define _GNU_SOURCE  // pthread_setname_np, sysconf

#include "helper_thread.h"

#include <pthread.h>
#include <stddef.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t task_posted = PTHREAD_COND_INITIALIZER;
static pthread_cond_t task_done = PTHREAD_COND_INITIALIZER;
static void (*task)(void*);
static void* task_argument;
static int busy;  // from helper_start to helper_withdraw_or_wait
static int done;
static int started;  // 1 running, -1 could not be started

static void* serve(void* unused) {
  (void)unused;
  pthread_mutex_lock(&lock);
  for (;;) {
    while (!task) pthread_cond_wait(&task_posted, &lock);
    void (*run)(void*) = task;
    task = NULL;  // taken: no longer withdrawable
    pthread_mutex_unlock(&lock);
    run(task_argument);
    pthread_mutex_lock(&lock);
    done = 1;
    pthread_cond_signal(&task_done);
  }
  return NULL;
}

int helper_start(void (*run)(void* argument), void* argument) {
  pthread_mutex_lock(&lock);
  if (!started) {
    // On one core the helper could only take turns with the thread it would help.
    pthread_t thread;
    started = sysconf(_SC_NPROCESSORS_ONLN) > 1 && pthread_create(&thread, NULL, serve, NULL) == 0
                  ? 1
                  : -1;
    if (started == 1) {
      pthread_setname_np(thread, "clipscope-jpeg");  // as tools (top -H) and tests see it
      pthread_detach(thread);
    }
  }
  const int accepted = started == 1 && !busy;
  if (accepted) {
    busy = 1;
    done = 0;
    task = run;
    task_argument = argument;
    pthread_cond_signal(&task_posted);
  }
  pthread_mutex_unlock(&lock);
  return accepted;
}

int helper_withdraw_or_wait(void) {
  pthread_mutex_lock(&lock);
  const int withdrawn = task != NULL;
  if (withdrawn) task = NULL;
  while (!withdrawn && !done) pthread_cond_wait(&task_done, &lock);
  busy = 0;
  pthread_mutex_unlock(&lock);
  return withdrawn;
}
