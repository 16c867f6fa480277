#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

// Tests log at warn unless LOG_LEVEL says otherwise, so failures stand out.
int main(int argc, char** argv) {
  const char* level = std::getenv("LOG_LEVEL");
  spdlog::set_level(level ? spdlog::level::from_str(level) : spdlog::level::warn);
  return doctest::Context(argc, argv).run();
}
