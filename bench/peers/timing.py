"""Timing shared by the Python peers that take a warm-up call first."""
import time


def timed(runs, fn):
    fn()  # warm-up: page faults and thread start-up are not the kernel's speed
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return seconds
