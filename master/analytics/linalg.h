// Dense symmetric linear algebra for Newton-Raphson on the Cox partial
// likelihood, ported from R's survival package (cholesky2.c, chsolve2.c,
// chinv2.c) so that pivot tolerance and rank handling match coxph: a
// generalised Cholesky (LDL') that zeroes pivots below `toler` times the
// largest diagonal, solves that leave those coordinates at 0, and an
// inverse with zero rows/columns for them.
// Matrices are n x n row-major std::vector<double>.
// Thread-safety: pure functions.
#ifndef DSFL_MASTER_ANALYTICS_LINALG_H_
#define DSFL_MASTER_ANALYTICS_LINALG_H_

#include <cstddef>
#include <vector>

namespace dsfl::analytics {

// Factors symmetric `m` in place (lower triangle: L below the diagonal, D
// on it). Returns the rank, negated when the matrix is not non-negative
// definite (R's convention).
int Cholesky2(std::vector<double>* m, std::size_t n, double toler);

// Solves (LDL') x = y in place, given a Cholesky2 factor.
void CholeskySolve2(const std::vector<double>& factor, std::size_t n,
                    std::vector<double>* y);

// The inverse of the original matrix from its Cholesky2 factor (full,
// symmetric; zero rows and columns for dropped pivots).
std::vector<double> CholeskyInverse2(std::vector<double> factor, std::size_t n);

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_LINALG_H_
