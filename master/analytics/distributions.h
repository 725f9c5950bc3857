// Tail probabilities for Cox tests: two-sided normal p-values and the
// upper tail of the chi-square distribution (regularised upper incomplete
// gamma, series / Lentz continued fraction, relative accuracy ~1e-14).
// Thread-safety: pure functions.
#ifndef DSFL_MASTER_ANALYTICS_DISTRIBUTIONS_H_
#define DSFL_MASTER_ANALYTICS_DISTRIBUTIONS_H_

namespace dsfl::analytics {

// P(|Z| >= |z|) for standard normal Z; NaN for NaN.
double NormalTwoSidedP(double z);

// P(X >= x) for X chi-square with `df` > 0 degrees of freedom; 1 for
// x <= 0, NaN for NaN.
double ChiSquareUpperP(double x, double df);

// The 0.975 quantile of the standard normal (R's qnorm(0.975)).
inline constexpr double kNormal975 = 1.959963984540054;

}  // namespace dsfl::analytics

#endif  // DSFL_MASTER_ANALYTICS_DISTRIBUTIONS_H_
