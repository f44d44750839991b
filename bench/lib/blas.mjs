// The Python peers (numpy, faiss, scikit-learn) at their best: OpenBLAS picks a generic kernel
// on some VMs (Prescott: 2.2x slower than Haswell here). Each kernel this CPU can run is timed
// on the benchmarks' shapes and checked against float64; the fastest correct one is used for
// the peer commands alone (OPENBLAS_CORETYPE, and OPENBLAS_L2_SIZE unset with it).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const probe = fileURLToPath(new URL('../peers/blas_probe.py', import.meta.url));
const CANDIDATES = ['', 'Haswell', 'SkylakeX']; // '' = OpenBLAS's own detection

function runs(kernel) {
  const flags = readFileSync('/proc/cpuinfo', 'utf8');
  if (kernel === 'Haswell' && !/\bavx2\b/.test(flags)) return false;
  if (kernel === 'SkylakeX' && !/\bavx512f\b/.test(flags)) return false;
  return true;
}

let chosen;

/** { env, kernel, summary }: the environment for the peer commands and what was measured. */
export function bestBlas() {
  if (chosen) return chosen;
  const base = { ...process.env };
  delete base.OPENBLAS_CORETYPE;
  delete base.OPENBLAS_L2_SIZE;
  const measured = CANDIDATES.filter(runs).map((coretype) => {
    const env = coretype ? { ...base, OPENBLAS_CORETYPE: coretype } : base;
    const result = JSON.parse(execFileSync('/usr/bin/python3', [probe], { env, encoding: 'utf8' }));
    return { coretype, env, ...result, correct: result.error < 1e-2 };
  });
  const fastest = measured.filter((m) => m.correct).sort((a, b) => a.gemv + a.gemm - (b.gemv + b.gemm))[0];
  const table = measured
    .map(
      (m) =>
        `${m.kernel}${m.coretype ? '' : ' (detected)'} ${((m.gemv + m.gemm) * 1e3).toFixed(1)} ms${m.correct ? '' : ' (wrong results)'}`,
    )
    .join(', ');
  chosen = {
    env: fastest.env,
    kernel: fastest.kernel,
    summary: `OpenBLAS kernel for numpy, faiss and scikit-learn: ${fastest.kernel}${fastest.coretype ? ` (OPENBLAS_CORETYPE=${fastest.coretype} for the peer commands only)` : ''}, the fastest correct of ${table} (a 100,000 × 512 matrix-vector plus a 64-query matrix product, one thread; checked with threadpoolctl)`,
  };
  return chosen;
}

/** A Python peer's JSON answer: the script run with `args` in bestBlas()'s environment. */
export function runPeer(script, args, maxBuffer = 1 << 26) {
  return JSON.parse(
    execFileSync('/usr/bin/python3', [script, ...args], { env: bestBlas().env, encoding: 'utf8', maxBuffer }),
  );
}
