// Cancellation by AbortSignal, shared by downloads and embedding runs.

/** Throws the signal's reason (an AbortError by default) once it is aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('aborted', 'AbortError');
}
