#include "pca.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "random.h"

namespace clipscope {
namespace {

// Eigen-decomposition of a small symmetric matrix (m x m, row-major) by cyclic Jacobi
// rotations: eigenvalues on return in a's diagonal, eigenvectors in v's columns.
void JacobiEigen(std::vector<double>& a, std::vector<double>& v, size_t m) {
  v.assign(m * m, 0.0);
  for (size_t i = 0; i < m; ++i) v[i * m + i] = 1;
  for (int sweep = 0; sweep < 100; ++sweep) {
    double off = 0;
    for (size_t p = 0; p < m; ++p)
      for (size_t q = p + 1; q < m; ++q) off += a[p * m + q] * a[p * m + q];
    if (off < 1e-30) return;
    for (size_t p = 0; p < m; ++p) {
      for (size_t q = p + 1; q < m; ++q) {
        if (a[p * m + q] == 0) continue;
        const double theta = (a[q * m + q] - a[p * m + p]) / (2 * a[p * m + q]);
        const double t = (theta >= 0 ? 1 : -1) / (std::fabs(theta) + std::sqrt(theta * theta + 1));
        const double c = 1 / std::sqrt(t * t + 1), s = t * c;
        for (size_t k = 0; k < m; ++k) {  // a = J^T a J
          const double akp = a[k * m + p], akq = a[k * m + q];
          a[k * m + p] = c * akp - s * akq, a[k * m + q] = s * akp + c * akq;
        }
        for (size_t k = 0; k < m; ++k) {
          const double apk = a[p * m + k], aqk = a[q * m + k];
          a[p * m + k] = c * apk - s * aqk, a[q * m + k] = s * apk + c * aqk;
        }
        for (size_t k = 0; k < m; ++k) {
          const double vkp = v[k * m + p], vkq = v[k * m + q];
          v[k * m + p] = c * vkp - s * vkq, v[k * m + q] = s * vkp + c * vkq;
        }
      }
    }
  }
}

// Modified Gram-Schmidt on the columns of b (d x m, column j at b[j * d]).
void Orthonormalize(std::vector<double>& b, size_t d, size_t m) {
  for (size_t j = 0; j < m; ++j) {
    double* col = &b[j * d];
    for (size_t i = 0; i < j; ++i) {
      const double* prev = &b[i * d];
      double dot = 0;
      for (size_t k = 0; k < d; ++k) dot += col[k] * prev[k];
      for (size_t k = 0; k < d; ++k) col[k] -= dot * prev[k];
    }
    double norm = 0;
    for (size_t k = 0; k < d; ++k) norm += col[k] * col[k];
    norm = std::sqrt(norm);
    for (size_t k = 0; k < d; ++k) col[k] = norm > 0 ? col[k] / norm : 0;
  }
}

}  // namespace

Result<Pca2d> PrincipalComponents2d(const float* x, size_t n, size_t d) {
  // 1. Centre the data and form the covariance C = X^T X / (n - 1) in double.
  // 2. Subspace iteration on C with 8 vectors and a Rayleigh-Ritz step each round (Jacobi on
  //    B^T C B), until the top two Ritz vectors' residuals |Cv - lambda v| / lambda < 1e-12.
  // 3. Fix each axis's sign (largest |loading| positive) and project the points.
  if (n < 2 || d == 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "PCA needs at least 2 points of 1 or more dimensions");
  }
  for (size_t i = 0; i < n * d; ++i) {
    if (!std::isfinite(x[i])) {
      return Status(ErrorCode::kNotFinite, "point " + std::to_string(i / d) + " holds NaN or Inf");
    }
  }
  Pca2d out;
  out.mean.assign(d, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < d; ++j) out.mean[j] += x[i * d + j];
  for (double& m : out.mean) m /= double(n);
  std::vector<double> cov(d * d, 0.0), row(d);
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < d; ++j) row[j] = x[i * d + j] - out.mean[j];
    for (size_t a = 0; a < d; ++a) {  // upper triangle; the inner loop is a vectorisable axpy
      const double ra = row[a];
      double* c = &cov[a * d];
      for (size_t b = a; b < d; ++b) c[b] += ra * row[b];
    }
  }
  double trace = 0;
  for (size_t a = 0; a < d; ++a) {
    for (size_t b = a; b < d; ++b) cov[b * d + a] = cov[a * d + b] /= double(n - 1);
    trace += cov[a * d + a];
  }

  const size_t m = std::min<size_t>(d, 8);
  std::vector<double> basis(d * m), product(d * m), h(m * m), vecs, rotated(d * m);
  Random rng(12345);
  for (double& v : basis) v = rng.Uniform() - 0.5;
  Orthonormalize(basis, d, m);
  std::vector<size_t> order(m);
  for (int it = 0; it < 500; ++it) {
    for (size_t j = 0; j < m; ++j) {  // product = C * basis
      for (size_t a = 0; a < d; ++a) {
        double sum = 0;
        for (size_t b = 0; b < d; ++b) sum += cov[a * d + b] * basis[j * d + b];
        product[j * d + a] = sum;
      }
    }
    for (size_t i = 0; i < m; ++i) {  // Rayleigh-Ritz: H = basis^T C basis
      for (size_t j = 0; j < m; ++j) {
        double sum = 0;
        for (size_t a = 0; a < d; ++a) sum += basis[i * d + a] * product[j * d + a];
        h[i * m + j] = sum;
      }
    }
    JacobiEigen(h, vecs, m);
    for (size_t i = 0; i < m; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return h[a * m + a] > h[b * m + b]; });
    // Ritz vectors (basis * V) and their residuals |C v - lambda v| for the top two.
    double residual = 0;
    for (size_t axis = 0; axis < std::min<size_t>(2, m); ++axis) {
      const size_t e = order[axis];
      const double lambda = h[e * m + e];
      double r2 = 0;
      for (size_t a = 0; a < d; ++a) {
        double cv = 0, v = 0;
        for (size_t i = 0; i < m; ++i)
          cv += product[i * d + a] * vecs[i * m + e], v += basis[i * d + a] * vecs[i * m + e];
        r2 += (cv - lambda * v) * (cv - lambda * v);
      }
      residual = std::max(residual, std::sqrt(r2) / std::max(lambda, 1e-300));
    }
    // Next basis: C * (Ritz vectors), sorted, orthonormalised.
    for (size_t j = 0; j < m; ++j) {
      for (size_t a = 0; a < d; ++a) {
        double sum = 0, plain = 0;
        for (size_t i = 0; i < m; ++i) {
          sum += product[i * d + a] * vecs[i * m + order[j]];
          plain += basis[i * d + a] * vecs[i * m + order[j]];
        }
        product[j * d + a] = plain;  // product is free now: keep the Ritz vectors in it
        rotated[j * d + a] = sum;
      }
    }
    if (residual < 1e-12 || it == 499) {
      basis.swap(product);  // the Ritz vectors, best first
      break;
    }
    basis.swap(rotated);
    Orthonormalize(basis, d, m);
  }
  out.components.assign(2 * d, 0.0);
  for (size_t axis = 0; axis < std::min<size_t>(2, m); ++axis) {
    double* component = &out.components[axis * d];
    std::copy_n(&basis[axis * d], d, component);
    size_t largest = 0;
    for (size_t a = 1; a < d; ++a) {
      if (std::fabs(component[a]) > std::fabs(component[largest])) largest = a;
    }
    if (component[largest] < 0) {
      for (size_t a = 0; a < d; ++a) component[a] = -component[a];
    }
    double variance = 0;  // Rayleigh quotient of the final axis
    for (size_t a = 0; a < d; ++a) {
      double ca = 0;
      for (size_t b = 0; b < d; ++b) ca += cov[a * d + b] * component[b];
      variance += component[a] * ca;
    }
    out.explained_variance[axis] = std::max(0.0, variance);
    out.explained_variance_ratio[axis] = trace > 0 ? out.explained_variance[axis] / trace : 0;
  }
  out.coords.resize(n * 2);
  for (size_t i = 0; i < n; ++i) {
    for (size_t axis = 0; axis < 2; ++axis) {
      double sum = 0;
      for (size_t a = 0; a < d; ++a)
        sum += (x[i * d + a] - out.mean[a]) * out.components[axis * d + a];
      out.coords[i * 2 + axis] = float(sum);
    }
  }
  return out;
}

}  // namespace clipscope
