// Log output of the daemons: spdlog's text lines (the default) or JSON
// lines for journald and log shippers (`--log-format json`, config key
// `log_format`; docs/operations.md "Logs").
//
// A JSON line is one object, keys in this order:
//   {"time":"2025-11-23T21:16:00.123Z","level":"info","logger":"dsfl-slave",
//    "msg":"...","thread":1234}
// time: RFC 3339, UTC, milliseconds; level: spdlog's names (trace, debug,
// info, warning, error, critical); logger: the logger's name, or the
// program's for the default logger; thread: the OS thread id. Strings are
// escaped as JSON requires (quotes, backslashes, every control character);
// bytes that are not valid UTF-8 become U+FFFD, so every line is valid JSON
// whatever a message contains.
//
// Errors: ParseLogFormat returns InvalidArgument naming the value.
// Threading: SetLogFormat is for main() before threads start; the
// formatter itself is used under spdlog's sink locks.
#ifndef DSFL_COMMON_LOGGING_H_
#define DSFL_COMMON_LOGGING_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "spdlog/formatter.h"

namespace dsfl {

enum class LogFormat { kText, kJson };

// "text" or "json".
StatusOr<LogFormat> ParseLogFormat(std::string_view name);

// Appends `text` escaped as the contents of a JSON string (no quotes).
void AppendJsonEscaped(std::string_view text, std::string* out);

// "2025-11-23T21:16:00.123Z" (UTC, milliseconds, truncated).
std::string FormatRfc3339Millis(std::chrono::system_clock::time_point time);

// spdlog formatter writing one JSON object per message, then "\n".
class JsonLineFormatter final : public spdlog::formatter {
 public:
  // `default_logger`: the "logger" value for loggers without a name
  // (spdlog's default logger).
  explicit JsonLineFormatter(std::string default_logger = "");

  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  std::string default_logger_;
};

// Wraps another formatter and puts the sd-daemon priority prefix ("<3>"
// for error, "<4>" warning, "<6>" info, "<7>" debug/trace, "<2>" critical)
// before each line: journald strips it and files the line at that
// priority, so `journalctl -p warning` works. Only for output that goes to
// journald (StdoutIsJournal()).
class JournalPriorityFormatter final : public spdlog::formatter {
 public:
  explicit JournalPriorityFormatter(std::unique_ptr<spdlog::formatter> inner);

  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  std::unique_ptr<spdlog::formatter> inner_;
};

// True when stdout is connected to journald (systemd's JOURNAL_STREAM names
// its device and inode).
bool StdoutIsJournal();

// Applies `format` to spdlog's default logger: kText keeps spdlog's
// pattern, kJson installs JsonLineFormatter(program); either gets the
// journald priority prefix when StdoutIsJournal().
void SetLogFormat(LogFormat format, const std::string& program);

// A start-up error (bad config, unreadable file): "program: message" on
// stderr in text format, as before any logging; a JSON line at level
// critical in json format, so that log shippers see it too.
void ReportStartupError(LogFormat format, const std::string& program,
                        const std::string& message);

}  // namespace dsfl

#endif  // DSFL_COMMON_LOGGING_H_
