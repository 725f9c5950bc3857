#include "common/logging.h"

#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "spdlog/pattern_formatter.h"
#include "spdlog/spdlog.h"

namespace dsfl {
namespace {

// Length of the valid UTF-8 sequence starting at text[i], or 0 when the
// bytes there are not one (bad lead or continuation byte, overlong form,
// UTF-16 surrogate, above U+10FFFF, truncated).
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto byte = [&](size_t k) {
    return static_cast<unsigned char>(text[k]);
  };
  const unsigned char lead = byte(i);
  size_t length;
  unsigned char min_second = 0x80, max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) min_second = 0xA0;  // overlong
    if (lead == 0xED) max_second = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) min_second = 0x90;  // overlong
    if (lead == 0xF4) max_second = 0x8F;  // above U+10FFFF
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < min_second || byte(i + 1) > max_second) return 0;
  for (size_t k = 2; k < length; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return length;
}

void AppendString(std::string_view text, spdlog::memory_buf_t* dest) {
  dest->append(text.data(), text.data() + text.size());
}

}  // namespace

StatusOr<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(
      absl::StrCat("log format '", std::string(name), "' is not text or json"));
}

void AppendJsonEscaped(std::string_view text, std::string* out) {
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out->append("\\\"");
          break;
        case '\\':
          out->append("\\\\");
          break;
        case '\b':
          out->append("\\b");
          break;
        case '\f':
          out->append("\\f");
          break;
        case '\n':
          out->append("\\n");
          break;
        case '\r':
          out->append("\\r");
          break;
        case '\t':
          out->append("\\t");
          break;
        default:
          if (c < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof(escaped), "\\u%04x", c);
            out->append(escaped);
          } else {
            out->push_back(static_cast<char>(c));
          }
      }
      ++i;
      continue;
    }
    const size_t length = Utf8SequenceLength(text, i);
    if (length == 0) {
      out->append("\\ufffd");  // one replacement per invalid byte
      ++i;
    } else {
      out->append(text.substr(i, length));
      i += length;
    }
  }
}

std::string FormatRfc3339Millis(std::chrono::system_clock::time_point time) {
  const auto millis =
      std::chrono::floor<std::chrono::milliseconds>(time.time_since_epoch());
  const auto seconds = std::chrono::floor<std::chrono::seconds>(millis);
  const time_t t = static_cast<time_t>(seconds.count());
  struct tm utc;
  gmtime_r(&t, &utc);
  char buffer[96];  // room for any int the compiler can imagine
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday, utc.tm_hour,
                utc.tm_min, utc.tm_sec,
                static_cast<int>((millis - seconds).count()));
  return buffer;
}

JsonLineFormatter::JsonLineFormatter(std::string default_logger)
    : default_logger_(std::move(default_logger)) {}

void JsonLineFormatter::format(const spdlog::details::log_msg& msg,
                               spdlog::memory_buf_t& dest) {
  const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
  const auto level = spdlog::level::to_string_view(msg.level);
  std::string line = "{\"time\":\"";
  line.append(FormatRfc3339Millis(msg.time));
  line.append("\",\"level\":\"");
  AppendJsonEscaped(std::string_view(level.data(), level.size()), &line);
  line.append("\",\"logger\":\"");
  AppendJsonEscaped(logger.empty() ? default_logger_ : logger, &line);
  line.append("\",\"msg\":\"");
  AppendJsonEscaped(std::string_view(msg.payload.data(), msg.payload.size()),
                    &line);
  absl::StrAppend(&line, "\",\"thread\":", msg.thread_id, "}\n");
  AppendString(line, &dest);
}

std::unique_ptr<spdlog::formatter> JsonLineFormatter::clone() const {
  return std::make_unique<JsonLineFormatter>(default_logger_);
}

JournalPriorityFormatter::JournalPriorityFormatter(
    std::unique_ptr<spdlog::formatter> inner)
    : inner_(std::move(inner)) {}

void JournalPriorityFormatter::format(const spdlog::details::log_msg& msg,
                                      spdlog::memory_buf_t& dest) {
  // sd-daemon.h: SD_CRIT <2>, SD_ERR <3>, SD_WARNING <4>, SD_INFO <6>,
  // SD_DEBUG <7>.
  char priority = '6';
  switch (msg.level) {
    case spdlog::level::critical:
      priority = '2';
      break;
    case spdlog::level::err:
      priority = '3';
      break;
    case spdlog::level::warn:
      priority = '4';
      break;
    case spdlog::level::trace:
    case spdlog::level::debug:
      priority = '7';
      break;
    default:
      break;
  }
  const char prefix[3] = {'<', priority, '>'};
  dest.append(prefix, prefix + 3);
  inner_->format(msg, dest);
}

std::unique_ptr<spdlog::formatter> JournalPriorityFormatter::clone() const {
  return std::make_unique<JournalPriorityFormatter>(inner_->clone());
}

bool StdoutIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  struct stat info;
  if (fstat(STDOUT_FILENO, &info) != 0) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  return device == static_cast<unsigned long long>(info.st_dev) &&
         inode == static_cast<unsigned long long>(info.st_ino);
}

void SetLogFormat(LogFormat format, const std::string& program) {
  std::unique_ptr<spdlog::formatter> formatter;
  if (format == LogFormat::kJson) {
    formatter = std::make_unique<JsonLineFormatter>(program);
  } else {
    formatter = std::make_unique<spdlog::pattern_formatter>();  // "%+"
  }
  if (StdoutIsJournal()) {
    formatter =
        std::make_unique<JournalPriorityFormatter>(std::move(formatter));
  }
  spdlog::set_formatter(std::move(formatter));
}

void ReportStartupError(LogFormat format, const std::string& program,
                        const std::string& message) {
  if (format == LogFormat::kJson) {
    spdlog::critical("{}", message);
    spdlog::default_logger()->flush();
  } else {
    // At error priority when stderr goes to journald (see above).
    std::cerr << (StdoutIsJournal() ? "<3>" : "") << program << ": " << message
              << "\n";
  }
}

}  // namespace dsfl
