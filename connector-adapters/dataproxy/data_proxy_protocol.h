// The dsfl data-proxy wire protocol (docs/dataproxy.md), shared by the
// client (HttpDataProxySource) and the development server
// (DevDataProxyServer): page rendering and page parsing.
//
//   GET {base_url}?offset=O&limit=L[&format=csv]
//   Authorization: Bearer <token>
//
// JSON page (default, Content-Type application/json):
//   {"columns": ["time", "age", ...], "offset": O, "total_rows": T,
//    "records": [{"time": 306, "age": 74, "wt.loss": null}, ...],
//    "next_offset": O + len(records) | null}
// A record value is a number, null (missing) or a numeric string ("", "NA"
// and "NaN" are missing); an absent key is missing. Unknown top-level keys
// are ignored.
//
// CSV page (format=csv, Content-Type text/csv): a header line and the rows
// of the page; the next page is announced by the response header
// "X-Next-Offset: O + rows" (absent on the last page).
//
// Errors: the Parse* functions return InvalidArgument whose message starts
// with `origin` and names the record and column at fault.
// Threading: stateless functions; safe to call concurrently.
#ifndef DSFL_CONNECTOR_ADAPTERS_DATAPROXY_DATA_PROXY_PROTOCOL_H_
#define DSFL_CONNECTOR_ADAPTERS_DATAPROXY_DATA_PROXY_PROTOCOL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"
#include "connector-adapters/dataproxy/table.h"

namespace dsfl::dataproxy {

enum class DataProxyFormat { kJson, kCsv };

// "json" / "csv".
std::string_view FormatName(DataProxyFormat format);
// Inverse of FormatName; nullopt for anything else.
std::optional<DataProxyFormat> ParseFormatName(std::string_view name);

inline constexpr char kNextOffsetHeader[] = "X-Next-Offset";
inline constexpr char kTotalRowsHeader[] = "X-Total-Rows";
inline constexpr char kJsonContentType[] = "application/json";
inline constexpr char kCsvContentType[] = "text/csv";

// One page as received: its columns and rows, and where the next page
// starts (nullopt on the last page).
struct DataProxyPage {
  Table rows;
  std::optional<uint64_t> next_offset;
};

StatusOr<DataProxyPage> ParseJsonPage(std::string_view body,
                                      std::string_view origin);

// `next_offset_header` is the X-Next-Offset value, nullopt when absent.
StatusOr<DataProxyPage> ParseCsvPage(
    std::string_view body, std::optional<std::string_view> next_offset_header,
    std::string_view origin);

// Server side. Rows [offset, offset + limit) of `table`, clipped to its
// size. The next offset is nullopt when the page reaches the end.
std::optional<uint64_t> NextPageOffset(const Table& table, uint64_t offset,
                                       uint64_t limit);
std::string RenderJsonPage(const Table& table, uint64_t offset, uint64_t limit);
std::string RenderCsvPage(const Table& table, uint64_t offset, uint64_t limit);

}  // namespace dsfl::dataproxy

#endif  // DSFL_CONNECTOR_ADAPTERS_DATAPROXY_DATA_PROXY_PROTOCOL_H_
