#include "master/analytics/linalg.h"

#include <cmath>

namespace dsfl::analytics {

int Cholesky2(std::vector<double>* matrix, size_t n, double toler) {
  std::vector<double>& m = *matrix;
  auto at = [&](size_t i, size_t j) -> double& { return m[i * n + j]; };
  int nonneg = 1;
  double eps = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (at(i, i) > eps) eps = at(i, i);
    for (size_t j = i + 1; j < n; ++j) at(j, i) = at(i, j);
  }
  eps = eps == 0.0 ? toler : eps * toler;
  int rank = 0;
  for (size_t i = 0; i < n; ++i) {
    const double pivot = at(i, i);
    if (!std::isfinite(pivot) || pivot < eps) {
      at(i, i) = 0.0;
      if (pivot < -8 * eps) nonneg = -1;
      continue;
    }
    ++rank;
    for (size_t j = i + 1; j < n; ++j) {
      const double temp = at(j, i) / pivot;
      at(j, i) = temp;
      at(j, j) -= temp * temp * pivot;
      for (size_t k = j + 1; k < n; ++k) at(k, j) -= temp * at(k, i);
    }
  }
  return rank * nonneg;
}

void CholeskySolve2(const std::vector<double>& m, size_t n,
                    std::vector<double>* y_ptr) {
  std::vector<double>& y = *y_ptr;
  auto at = [&](size_t i, size_t j) { return m[i * n + j]; };
  for (size_t i = 0; i < n; ++i) {
    double temp = y[i];
    for (size_t j = 0; j < i; ++j) temp -= y[j] * at(i, j);
    y[i] = temp;
  }
  for (size_t i = n; i-- > 0;) {
    if (at(i, i) == 0.0) {
      y[i] = 0.0;
      continue;
    }
    double temp = y[i] / at(i, i);
    for (size_t j = i + 1; j < n; ++j) temp -= y[j] * at(j, i);
    y[i] = temp;
  }
}

std::vector<double> CholeskyInverse2(std::vector<double> m, size_t n) {
  auto at = [&](size_t i, size_t j) -> double& { return m[i * n + j]; };
  // Invert the Cholesky factor in the lower triangle.
  for (size_t i = 0; i < n; ++i) {
    if (at(i, i) > 0) {
      at(i, i) = 1 / at(i, i);
      for (size_t j = i + 1; j < n; ++j) {
        at(j, i) = -at(j, i);
        for (size_t k = 0; k < i; ++k) at(j, k) += at(j, i) * at(i, k);
      }
    }
  }
  // F'DF: the inverse of the original matrix, in the upper triangle.
  for (size_t i = 0; i < n; ++i) {
    if (at(i, i) == 0) {
      for (size_t j = 0; j < i; ++j) at(j, i) = 0;
      for (size_t j = i; j < n; ++j) at(i, j) = 0;
      continue;
    }
    for (size_t j = i + 1; j < n; ++j) {
      const double temp = at(j, i) * at(j, j);
      at(i, j) = temp;
      for (size_t k = i; k < j; ++k) at(i, k) += temp * at(j, k);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < i; ++j) at(i, j) = at(j, i);
  }
  return m;
}

}  // namespace dsfl::analytics
