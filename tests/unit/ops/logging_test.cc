#include "common/logging.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spdlog/sinks/ostream_sink.h"
#include "spdlog/spdlog.h"

namespace dsfl {
namespace {

using ::testing::HasSubstr;

std::string Escaped(std::string_view text) {
  std::string out;
  AppendJsonEscaped(text, &out);
  return out;
}

// What a JSON parser reads back from "<escaped>".
std::string RoundTrip(std::string_view text) {
  return nlohmann::json::parse("\"" + Escaped(text) + "\"").get<std::string>();
}

TEST(ParseLogFormatTest, TextOrJson) {
  EXPECT_EQ(*ParseLogFormat("text"), LogFormat::kText);
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  auto bad = ParseLogFormat("JSON");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("'JSON'"));
}

TEST(AppendJsonEscapedTest, QuotesBackslashesAndEveryControlCharacter) {
  EXPECT_EQ(Escaped(R"(say "hi" \o/)"), R"(say \"hi\" \\o/)");
  EXPECT_EQ(Escaped("a\nb\rc\td\be\ff"), R"(a\nb\rc\td\be\ff)");
  EXPECT_EQ(Escaped(std::string("\x00\x01\x1f\x7f", 4)),
            "\\u0000\\u0001\\u001f\x7f");  // DEL needs no escape
  for (int c = 0; c < 0x20; ++c) {
    const std::string one(1, static_cast<char>(c));
    const std::string escaped = Escaped(one);
    EXPECT_EQ(escaped[0], '\\') << c;
    EXPECT_EQ(RoundTrip(one), one) << c;
  }
}

TEST(AppendJsonEscapedTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  const std::string valid = "Zürich – 東京 🏥";
  EXPECT_EQ(Escaped(valid), valid);
  EXPECT_EQ(Escaped("a\xff"
                    "b"),
            "a\\ufffdb");                                       // never valid
  EXPECT_EQ(Escaped("\xc3"), "\\ufffd");                        // truncated
  EXPECT_EQ(Escaped("\xc0\xaf"), "\\ufffd\\ufffd");             // overlong '/'
  EXPECT_EQ(Escaped("\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd");  // surrogate
  EXPECT_EQ(Escaped("\xf4\x90\x80\x80"),                        // > U+10FFFF
            "\\ufffd\\ufffd\\ufffd\\ufffd");
  // Whatever the bytes, the result parses as JSON.
  std::string noise;
  for (int c = 0; c < 256; ++c) noise.push_back(static_cast<char>(c));
  EXPECT_NO_THROW(RoundTrip(noise + noise));
}

TEST(FormatRfc3339MillisTest, UtcWithMilliseconds) {
  using std::chrono::milliseconds;
  std::chrono::system_clock::time_point time(milliseconds(1700000000123));
  EXPECT_EQ(FormatRfc3339Millis(time), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatRfc3339Millis(std::chrono::system_clock::time_point()),
            "1970-01-01T00:00:00.000Z");
  // Truncated, not rounded: .9999 stays in the same millisecond.
  std::chrono::system_clock::time_point late(
      std::chrono::microseconds(1700000000999999));
  EXPECT_EQ(FormatRfc3339Millis(late), "2023-11-14T22:13:20.999Z");
}

TEST(JsonLineFormatterTest, OneObjectPerLineWithTheDocumentedFields) {
  JsonLineFormatter formatter("dsfl-slave");
  spdlog::details::log_msg msg(std::chrono::system_clock::time_point(
                                   std::chrono::milliseconds(1700000000123)),
                               spdlog::source_loc{}, "", spdlog::level::warn,
                               "job 'x': \"refused\"\nsecond line\x01");
  msg.thread_id = 4242;
  spdlog::memory_buf_t buffer;
  formatter.format(msg, buffer);
  const std::string line(buffer.data(), buffer.size());
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // exactly one line
  EXPECT_EQ(line,
            "{\"time\":\"2023-11-14T22:13:20.123Z\",\"level\":\"warning\","
            "\"logger\":\"dsfl-slave\",\"msg\":\"job 'x': \\\"refused\\\"\\n"
            "second line\\u0001\",\"thread\":4242}\n");
  nlohmann::json parsed = nlohmann::json::parse(line);
  EXPECT_EQ(parsed["msg"], "job 'x': \"refused\"\nsecond line\x01");

  // A named logger keeps its own name.
  spdlog::details::log_msg named(spdlog::source_loc{}, "grpc",
                                 spdlog::level::err, "x");
  spdlog::memory_buf_t named_buffer;
  formatter.clone()->format(named, named_buffer);
  parsed = nlohmann::json::parse(
      std::string(named_buffer.data(), named_buffer.size()));
  EXPECT_EQ(parsed["logger"], "grpc");
  EXPECT_EQ(parsed["level"], "error");
}

TEST(JournalPriorityFormatterTest, PrefixesTheSdDaemonPriority) {
  JournalPriorityFormatter formatter(std::make_unique<JsonLineFormatter>("x"));
  const std::pair<spdlog::level::level_enum, const char*> cases[] = {
      {spdlog::level::trace, "<7>{"}, {spdlog::level::debug, "<7>{"},
      {spdlog::level::info, "<6>{"},  {spdlog::level::warn, "<4>{"},
      {spdlog::level::err, "<3>{"},   {spdlog::level::critical, "<2>{"}};
  for (const auto& [level, prefix] : cases) {
    spdlog::details::log_msg msg(spdlog::source_loc{}, "", level, "m");
    spdlog::memory_buf_t buffer;
    formatter.clone()->format(msg, buffer);
    const std::string line(buffer.data(), buffer.size());
    EXPECT_EQ(line.substr(0, 4), prefix) << line;
    // What journald keeps after stripping the prefix is the JSON line.
    EXPECT_TRUE(nlohmann::json::accept(line.substr(3))) << line;
  }
}

TEST(StdoutIsJournalTest, OnlyWhenJournalStreamNamesStdout) {
  unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(StdoutIsJournal());
  struct stat info;
  ASSERT_EQ(fstat(STDOUT_FILENO, &info), 0);
  const std::string mine =
      std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino);
  setenv("JOURNAL_STREAM", mine.c_str(), 1);
  EXPECT_TRUE(StdoutIsJournal());
  setenv("JOURNAL_STREAM",
         (std::to_string(info.st_dev) + ":" + std::to_string(info.st_ino + 1))
             .c_str(),
         1);
  EXPECT_FALSE(StdoutIsJournal());  // another stream (e.g. a redirection)
  setenv("JOURNAL_STREAM", "garbage", 1);
  EXPECT_FALSE(StdoutIsJournal());
  unsetenv("JOURNAL_STREAM");
}

TEST(SetLogFormatTest, JsonAppliesToTheLoggersOutput) {
  unsetenv("JOURNAL_STREAM");  // no priority prefixes here
  std::ostringstream stream;
  auto logger = std::make_shared<spdlog::logger>(
      "", std::make_shared<spdlog::sinks::ostream_sink_mt>(stream));
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  SetLogFormat(LogFormat::kText, "dsfl-master");
  spdlog::info("as text");
  SetLogFormat(LogFormat::kJson, "dsfl-master");
  spdlog::info("as json");
  ReportStartupError(LogFormat::kJson, "dsfl-master", "bad \"config\"");
  spdlog::set_default_logger(previous);
  spdlog::set_pattern("%+");  // spdlog's default for later tests

  std::vector<std::string> lines;
  std::istringstream in(stream.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 3u) << stream.str();
  EXPECT_THAT(lines[0], HasSubstr("[info] as text"));
  nlohmann::json json = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(json["msg"], "as json");
  EXPECT_EQ(json["logger"], "dsfl-master");
  json = nlohmann::json::parse(lines[2]);
  EXPECT_EQ(json["level"], "critical");
  EXPECT_EQ(json["msg"], "bad \"config\"");
}

}  // namespace
}  // namespace dsfl
