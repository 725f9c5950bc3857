#include "master/analytics/distributions.h"

#include <cmath>
#include <limits>

namespace dsfl::analytics {
namespace {

// Regularised lower incomplete gamma P(a, x) by its series (x < a + 1).
double GammaSeriesP(double a, double x) {
  double term = 1.0 / a;
  double sum = term;
  for (int n = 1; n < 10000; ++n) {
    term *= x / (a + n);
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * 1e-17) break;
  }
  return sum * std::exp(-x + a * std::log(x) - std::lgamma(a));
}

// Regularised upper incomplete gamma Q(a, x) by Lentz's continued
// fraction (x >= a + 1).
double GammaFractionQ(double a, double x) {
  const double tiny = 1e-300;
  double b = x + 1.0 - a;
  double c = 1.0 / tiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < 10000; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < 1e-16) break;
  }
  return std::exp(-x + a * std::log(x) - std::lgamma(a)) * h;
}

}  // namespace

double NormalTwoSidedP(double z) {
  if (std::isnan(z)) return std::numeric_limits<double>::quiet_NaN();
  return std::erfc(std::fabs(z) / std::sqrt(2.0));
}

double ChiSquareUpperP(double x, double df) {
  if (std::isnan(x) || !(df > 0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (x <= 0) return 1.0;
  const double a = df / 2.0;
  const double h = x / 2.0;
  if (h < a + 1.0) return 1.0 - GammaSeriesP(a, h);
  return GammaFractionQ(a, h);
}

}  // namespace dsfl::analytics
