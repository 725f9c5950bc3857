// Text <-> double conversion of one data value, shared by the CSV parser,
// the JSON page parser (numeric strings) and the dev data-proxy server.
//
// Parsing: surrounding blanks are ignored; "", "NA" and "NaN" mean missing
// and yield NaN; anything else must be a complete, finite decimal number
// (optional sign, fraction, exponent). Formatting produces the shortest text
// that parses back to the identical double; NaN formats as "".
//
// Errors: InvalidArgument with a message about the value only (e.g.
// "'abc' is not a number"); callers prefix the location.
// Threading: stateless; safe to call concurrently.
#ifndef DSFL_CONNECTOR_ADAPTERS_DATAPROXY_NUMERIC_FIELD_H_
#define DSFL_CONNECTOR_ADAPTERS_DATAPROXY_NUMERIC_FIELD_H_

#include <string>
#include <string_view>

#include "common/status.h"

namespace dsfl::dataproxy {

StatusOr<double> ParseNumericField(std::string_view text);

std::string FormatNumericField(double value);

// Quotes an untrusted value for an error message: at most 40 characters,
// control characters replaced by '?', e.g. 'abc' or 'xxxxxxxx...'.
std::string QuoteForMessage(std::string_view value);

}  // namespace dsfl::dataproxy

#endif  // DSFL_CONNECTOR_ADAPTERS_DATAPROXY_NUMERIC_FIELD_H_
