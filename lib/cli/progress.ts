// A progress line for a terminal: done of total, rate and time left, redrawn in place.
export function progressLine(done: number, total: number, seconds: number): string {
  const rate = done / Math.max(seconds, 0.001);
  const left = rate > 0 ? Math.ceil((total - done) / rate) : 0;
  const width = 24;
  const filled = total ? Math.round((done / total) * width) : width;
  const bar = `${'#'.repeat(filled)}${'-'.repeat(width - filled)}`;
  return `[${bar}] ${done}/${total} images · ${rate.toFixed(1)}/s · ${formatSeconds(left)} left`;
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${seconds % 60} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
